/**
 * The life of an order on Amazon's side (DRS-SNS-SPEC 1.3.1): placed (OrderPlaced), shipped after the
 * customer's cancellation window (ItemShipped with an estimated delivery date), delivered at that date
 * (DRS sends no notification for it; replenish stops answering ORDER_INPROGRESS), or cancelled by the
 * customer within 24 h of OrderPlaced (OrderCancelled). An order with a problem (address, payment,
 * stock) first goes through the Order Resolution Flow: no OrderPlaced until the customer fixes it,
 * OrderCancelled if that does not happen within 72 h.
 */

export type OrderStatus = 'resolving' | 'placed' | 'shipped' | 'delivered' | 'cancelled';

/** The timing of the order life. ms, simulated. */
export interface OrderLifeSettings {
  shipAfterMs: number;
  deliveryAfterShippingMs: number;
  cancelWindowMs: number;
  resolutionWindowMs: number;
}

/** What the order life needs to know of an order. */
export interface OrderTimeline {
  status: OrderStatus;
  /** When replenish placed it. */
  placedAt: Date;
  /** When OrderPlaced went out; null while the order is in the Order Resolution Flow. */
  confirmedAt: Date | null;
  /** When an unresolved order is cancelled; null for an order that never needed resolution. */
  resolveBy: Date | null;
  shipAt: Date;
  estimatedDeliveryAt: Date;
}

/**
 * When an order confirmed (OrderPlaced) at `confirmedAt` ships and arrives. The delivery date is whole
 * seconds, as DRS writes it.
 */
export function planOrder(confirmedAt: Date, settings: OrderLifeSettings): { shipAt: Date; estimatedDeliveryAt: Date } {
  const shipAt = new Date(confirmedAt.getTime() + settings.shipAfterMs);
  const arrival = shipAt.getTime() + settings.deliveryAfterShippingMs;
  return { shipAt, estimatedDeliveryAt: new Date(Math.ceil(arrival / 1000) * 1000) };
}

/** The deadline of an order that enters the Order Resolution Flow at `placedAt`. */
export function resolutionDeadline(placedAt: Date, settings: OrderLifeSettings): Date {
  return new Date(placedAt.getTime() + settings.resolutionWindowMs);
}

/** An order blocks its slot (replenish answers ORDER_INPROGRESS) from placement until delivery. */
export function isOpen(status: OrderStatus): boolean {
  return status === 'resolving' || status === 'placed' || status === 'shipped';
}

/** The next step the order takes by itself at `now`, if one is due. */
export function dueStep(order: OrderTimeline, now: Date): 'expire' | 'ship' | 'deliver' | undefined {
  if (order.status === 'resolving' && order.resolveBy !== null && order.resolveBy.getTime() <= now.getTime()) {
    return 'expire';
  }
  if (order.status === 'placed' && order.shipAt.getTime() <= now.getTime()) return 'ship';
  if (order.status === 'shipped' && order.estimatedDeliveryAt.getTime() <= now.getTime()) return 'deliver';
  return undefined;
}

/** Whether the customer's fix at `now` resolves the order, and if not, why. */
export function resolution(order: OrderTimeline, now: Date): { ok: true } | { ok: false; reason: string } {
  if (order.status !== 'resolving')
    return { ok: false, reason: `the order is ${order.status}, not awaiting resolution` };
  if (order.resolveBy !== null && now.getTime() >= order.resolveBy.getTime()) {
    return { ok: false, reason: `the resolution window closed at ${order.resolveBy.toISOString()}` };
  }
  return { ok: true };
}

/** Whether the customer may cancel the order at `now`, and if not, why. */
export function cancellation(
  order: OrderTimeline,
  now: Date,
  settings: OrderLifeSettings,
): { ok: true } | { ok: false; reason: string } {
  if (order.status !== 'placed') return { ok: false, reason: `the order is ${order.status}` };
  const closesAt = (order.confirmedAt ?? order.placedAt).getTime() + settings.cancelWindowMs;
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
    case 'resolving':
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
