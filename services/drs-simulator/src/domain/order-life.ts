/**
 * The life of an order on Amazon's side (DRS-SNS-SPEC 1.3.1): placed (OrderPlaced), shipped after the
 * customer's cancellation window (ItemShipped with an estimated delivery date), delivered at that date
 * (DRS sends no notification for it; replenish stops answering ORDER_INPROGRESS), or cancelled by the
 * customer within 24 h of placing it (OrderCancelled).
 */

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

/** The timing of the order life. ms, simulated. */
export interface OrderLifeSettings {
  shipAfterMs: number;
  deliveryAfterShippingMs: number;
  cancelWindowMs: number;
}

/** What the order life needs to know of an order. */
export interface OrderTimeline {
  status: OrderStatus;
  placedAt: Date;
  shipAt: Date;
  estimatedDeliveryAt: Date;
}

/** When a new order will ship and arrive. The delivery date is whole seconds, as DRS writes it. */
export function planOrder(placedAt: Date, settings: OrderLifeSettings): { shipAt: Date; estimatedDeliveryAt: Date } {
  const shipAt = new Date(placedAt.getTime() + settings.shipAfterMs);
  const arrival = shipAt.getTime() + settings.deliveryAfterShippingMs;
  return { shipAt, estimatedDeliveryAt: new Date(Math.ceil(arrival / 1000) * 1000) };
}

/** An order blocks its slot (replenish answers ORDER_INPROGRESS) from placement until delivery. */
export function isOpen(status: OrderStatus): boolean {
  return status === 'placed' || status === 'shipped';
}

/** The next step the order takes by itself at `now`, if one is due. */
export function dueStep(order: OrderTimeline, now: Date): 'ship' | 'deliver' | undefined {
  if (order.status === 'placed' && order.shipAt.getTime() <= now.getTime()) return 'ship';
  if (order.status === 'shipped' && order.estimatedDeliveryAt.getTime() <= now.getTime()) return 'deliver';
  return undefined;
}

/** Whether the customer may cancel the order at `now`, and if not, why. */
export function cancellation(
  order: OrderTimeline,
  now: Date,
  settings: OrderLifeSettings,
): { ok: true } | { ok: false; reason: string } {
  if (order.status !== 'placed') return { ok: false, reason: `the order is ${order.status}` };
  const closesAt = order.placedAt.getTime() + settings.cancelWindowMs;
  if (now.getTime() > closesAt) {
    return { ok: false, reason: `the cancellation window closed at ${new Date(closesAt).toISOString()}` };
  }
  return { ok: true };
}

/**
 * `orderItems[].status` of GetOrderInfo. The current documentation lists Processing, Cancelled and
 * Shipped, and no Delivered: a delivered order stays Shipped (DRS-SNS-SPEC 1.3.5).
 */
export function orderInfoStatus(status: OrderStatus): 'Processing' | 'Shipped' | 'Cancelled' {
  switch (status) {
    case 'placed':
      return 'Processing';
    case 'shipped':
    case 'delivered':
      return 'Shipped';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** What a replenish call does to a slot. */
export type ReplenishDecision =
  | { kind: 'unsubscribed' }
  | { kind: 'in-progress'; eventInstanceId: string }
  | { kind: 'place'; detailCode: 'STANDARD_ORDER_PLACED' | 'TEST_ORDER_PLACED'; asin: string };

/**
 * Decides a replenish call (DRS-SNS-SPEC 1.3.1): an open order wins (ORDER_INPROGRESS with its id, even
 * if the customer paused the slot since), then the subscription must be on with a product chosen, then
 * a test device places a test order.
 */
export function decideReplenish(
  slot: { subscribed: boolean; asin: string | null },
  openOrder: { eventInstanceId: string } | undefined,
  isTestDevice: boolean,
): ReplenishDecision {
  if (openOrder !== undefined) return { kind: 'in-progress', eventInstanceId: openOrder.eventInstanceId };
  if (!slot.subscribed || slot.asin === null) return { kind: 'unsubscribed' };
  return { kind: 'place', detailCode: isTestDevice ? 'TEST_ORDER_PLACED' : 'STANDARD_ORDER_PLACED', asin: slot.asin };
}
