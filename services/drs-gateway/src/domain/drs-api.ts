import type { InventoryChanged } from '@restock/events';
import { displayUnitFor, fromCanonical } from '@restock/units';

/**
 * The DRS REST contract as the gateway speaks it (DRS-SNS-SPEC 1.2-1.3): paths, the two version
 * headers of each call, and the meaning of answers. Pure.
 */

const P = 'com.amazon.dash.replenishment.';

export type DrsOperation =
  | 'replenish'
  | 'slotStatus'
  | 'deviceStatus'
  | 'subscriptionInfo'
  | 'getOrderInfo'
  | 'deregister';

export const DRS_VERSION_HEADERS: Record<
  DrsOperation,
  { 'x-amzn-type-version': string; 'x-amzn-accept-type': string }
> = {
  replenish: { 'x-amzn-type-version': `${P}DrsReplenishInput@1.0`, 'x-amzn-accept-type': `${P}DrsReplenishResult@1.0` },
  slotStatus: {
    'x-amzn-type-version': `${P}DrsSlotStatusInput@1.0`,
    'x-amzn-accept-type': `${P}DrsSlotStatusResult@1.0`,
  },
  deviceStatus: {
    'x-amzn-type-version': `${P}DrsDeviceStatusInput@1.0`,
    'x-amzn-accept-type': `${P}DrsDeviceStatusResult@1.0`,
  },
  subscriptionInfo: {
    'x-amzn-type-version': `${P}DrsSubscriptionInfoInput@1.0`,
    'x-amzn-accept-type': `${P}DrsSubscriptionInfoResult@2.0`,
  },
  getOrderInfo: {
    'x-amzn-type-version': `${P}DrsOrderInfoInput@1.0`,
    'x-amzn-accept-type': `${P}DrsOrderInfoResult@1.0`,
  },
  // v2 deregistration: the device is the token's, no model or serial in the path.
  deregister: {
    'x-amzn-type-version': `${P}DrsDeregisterInput@2.0`,
    'x-amzn-accept-type': `${P}DrsDeregisterResult@1.0`,
  },
};

/** True for DRS's answer to an expired or revoked access token (observed, DRS-SNS-SPEC 1.1). */
export function isInvalidToken(status: number, json: unknown): boolean {
  return status === 400 && (json as { message?: unknown } | null)?.message === 'Invalid token';
}

export type ReplenishDetail = 'STANDARD_ORDER_PLACED' | 'TEST_ORDER_PLACED' | 'ORDER_INPROGRESS';

/** Reads a 2xx replenish answer; null when it is not one DRS documents. */
export function replenishAnswer(json: unknown): { eventInstanceId: string; detailCode: ReplenishDetail } | null {
  const body = json as { eventInstanceId?: unknown; detailCode?: unknown } | null;
  if (typeof body?.eventInstanceId !== 'string' || body.eventInstanceId === '') return null;
  if (
    body.detailCode !== 'STANDARD_ORDER_PLACED' &&
    body.detailCode !== 'TEST_ORDER_PLACED' &&
    body.detailCode !== 'ORDER_INPROGRESS'
  ) {
    return null;
  }
  return { eventInstanceId: body.eventInstanceId, detailCode: body.detailCode };
}

/** The first item of a getOrderInfo answer. */
export function orderInfoAnswer(json: unknown): { status: string; expectedDeliveryAt: string | null } | null {
  const item = (json as { orderInfoData?: { orderItems?: { status?: unknown; expectedDeliveryDate?: unknown }[] } })
    ?.orderInfoData?.orderItems?.[0];
  if (typeof item?.status !== 'string') return null;
  const date = typeof item.expectedDeliveryDate === 'string' ? new Date(item.expectedDeliveryDate) : null;
  return {
    status: item.status.slice(0, 64),
    expectedDeliveryAt: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
  };
}

/** subscriptionInfo v2.0 (or v1.0) per DRS slot id. */
export function subscriptionInfoAnswer(json: unknown): Map<string, { subscribed: boolean; asin: string | null }> {
  const slots = (json as { slotsSubscriptionStatus?: Record<string, unknown> } | null)?.slotsSubscriptionStatus ?? {};
  const result = new Map<string, { subscribed: boolean; asin: string | null }>();
  for (const [drsSlotId, value] of Object.entries(slots)) {
    if (typeof value === 'boolean') {
      result.set(drsSlotId, { subscribed: value, asin: null });
    } else if (typeof value === 'object' && value !== null) {
      const v = value as { subscribed?: unknown; productInfoList?: { asin?: unknown }[] };
      const asin = v.productInfoList?.[0]?.asin;
      result.set(drsSlotId, {
        subscribed: v.subscribed === true,
        asin: typeof asin === 'string' ? asin.slice(0, 20) : null,
      });
    }
  }
  return result;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The slotStatus body (DRS-SNS-SPEC 1.3.2) of a slot's state, in the slot's DRS unit: the unit the
 * device's marketplace uses for its unit type (US fl oz and oz, elsewhere l and kg, count, %).
 * `totalQuantityOnHand` is the product on the shelf, not loaded (the spare stock). DRS requires an
 * expected replenishment date: without a run-out date (no use at all) a year ahead says "not soon".
 */
export function slotStatusBody(
  state: InventoryChanged['data'],
  marketplace: string,
  expectedReplenishmentAt: Date | null,
  now: Date,
): { unit: string; body: Record<string, string | number> } {
  const unit = displayUnitFor(marketplace, state.unitType);
  const inUnit = (canonical: number) => fromCanonical(Math.max(0, canonical), state.unitType, unit);
  return {
    unit,
    body: {
      expectedReplenishmentDate: (expectedReplenishmentAt ?? new Date(now.getTime() + YEAR_MS)).toISOString(),
      remainingQuantityInUnit: inUnit(state.level),
      originalQuantityInUnit: inUnit(state.capacity),
      totalQuantityOnHand: inUnit(state.spareStock),
      lastUseDate: state.lastUseAt ?? now.toISOString(),
    },
  };
}
