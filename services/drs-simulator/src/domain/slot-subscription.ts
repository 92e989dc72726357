import { marketplaceQuantity, type ProductUnitType } from './product-quantity.js';

/** A customer's choice for one slot of a registered device, with the product size of the chosen ASIN. */
export interface SlotSubscription {
  slotId: string;
  subscribed: boolean;
  /** null: no product chosen yet (replenish then answers "unsubscribed"). */
  asin: string | null;
  quantity: number;
  unit: string;
  unitType: ProductUnitType;
}

/** What the customer changes on Amazon's side for a slot. */
export interface SlotChange {
  subscribed?: boolean;
  asin?: string | null;
  quantity?: number;
  unit?: string;
  unitType?: ProductUnitType;
}

/** The slot after a change, and whether anything changed (no SubscriptionChanged for a no-op). */
export function changeSlot(slot: SlotSubscription, change: SlotChange): { slot: SlotSubscription; changed: boolean } {
  const next: SlotSubscription = {
    ...slot,
    ...(change.subscribed !== undefined ? { subscribed: change.subscribed } : {}),
    ...(change.asin !== undefined ? { asin: change.asin } : {}),
    ...(change.quantity !== undefined ? { quantity: change.quantity } : {}),
    ...(change.unit !== undefined ? { unit: change.unit } : {}),
    ...(change.unitType !== undefined ? { unitType: change.unitType } : {}),
  };
  const changed = (Object.keys(next) as (keyof SlotSubscription)[]).some((key) => next[key] !== slot[key]);
  return { slot: next, changed };
}

/** `productInfoList` of a slot: the chosen product in the marketplace's units, or nothing. */
export function productInfoList(
  slot: SlotSubscription,
  marketplace: string,
): { asin: string; quantity: number; unit: string }[] {
  if (slot.asin === null) return [];
  return [{ asin: slot.asin, ...marketplaceQuantity(slot, marketplace) }];
}

/** GetSubscriptionInfo v2.0 (DRS-SNS-SPEC 1.3.4), keys in the documentation's order. */
export function subscriptionInfoV2(slots: readonly SlotSubscription[], marketplace: string) {
  return {
    slotsSubscriptionStatus: Object.fromEntries(
      slots.map((slot) => [
        slot.slotId,
        { productInfoList: productInfoList(slot, marketplace), subscribed: slot.subscribed },
      ]),
    ),
  };
}

/** GetSubscriptionInfo v1.0: a boolean per slot. */
export function subscriptionInfoV1(slots: readonly SlotSubscription[]) {
  return { slotsSubscriptionStatus: Object.fromEntries(slots.map((slot) => [slot.slotId, slot.subscribed])) };
}

/** The `subscriptions` of a SubscriptionChangedNotification. */
export function notificationSubscriptions(
  slots: readonly SlotSubscription[],
  marketplace: string,
): Record<string, { subscribed: boolean; products: { asin: string; quantity: number; unit: string }[] }> {
  return Object.fromEntries(
    slots.map((slot) => [slot.slotId, { subscribed: slot.subscribed, products: productInfoList(slot, marketplace) }]),
  );
}
