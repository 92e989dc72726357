import { describe, expect, it } from 'vitest';
import { changeSlot, subscriptionInfoV1, subscriptionInfoV2 } from './slot-subscription.js';

const slot = { slotId: 's1', subscribed: true, asin: 'B0A', quantity: 1, unit: 'count', unitType: 'count' as const };

describe('changeSlot', () => {
  it('reports no change when nothing differs, so no SubscriptionChanged is sent', () => {
    expect(changeSlot(slot, { subscribed: true, asin: 'B0A' })).toEqual({ slot, changed: false });
  });

  it('pauses, picks another product, or clears the choice', () => {
    expect(changeSlot(slot, { subscribed: false })).toEqual({ slot: { ...slot, subscribed: false }, changed: true });
    expect(changeSlot(slot, { asin: 'B0B' }).slot.asin).toBe('B0B');
    expect(changeSlot(slot, { asin: null }).slot.asin).toBeNull();
  });
});

describe('subscription info', () => {
  it('lists no product for a slot without one (v2) and a boolean per slot (v1)', () => {
    const slots = [slot, { ...slot, slotId: 's2', subscribed: false, asin: null }];
    expect(subscriptionInfoV2(slots, 'US')).toEqual({
      slotsSubscriptionStatus: {
        s1: { productInfoList: [{ asin: 'B0A', quantity: 1, unit: 'count' }], subscribed: true },
        s2: { productInfoList: [], subscribed: false },
      },
    });
    expect(subscriptionInfoV1(slots)).toEqual({ slotsSubscriptionStatus: { s1: true, s2: false } });
  });
});
