import type { InventoryChanged } from '@restock/events';
import { describe, expect, it } from 'vitest';
import {
  consumptionChanged,
  effectiveSubscription,
  isRegistered,
  laterOrderState,
  openOrderOf,
  replenishCommandId,
  useFromReading,
} from './slot-inputs.js';

function inventory(overrides: Partial<InventoryChanged['data']> = {}): InventoryChanged['data'] {
  return {
    slotId: 'pods',
    unitType: 'count',
    unit: 'count',
    level: 10,
    capacity: 40,
    spareStock: 0,
    onTheWay: [],
    stockOnHand: 10,
    overdraw: 0,
    lastUseAt: null,
    registered: true,
    subscription: { subscribed: true, asin: null },
    openOrder: null,
    revision: 1,
    ...overrides,
  };
}

describe('the policy inputs', () => {
  it('gives one command id per device, slot and cycle, the same every time', () => {
    expect(replenishCommandId('d1', 'pods', 0)).toBe(replenishCommandId('d1', 'pods', 0));
    expect(replenishCommandId('d1', 'pods', 1)).not.toBe(replenishCommandId('d1', 'pods', 0));
    expect(replenishCommandId('d2', 'pods', 0)).not.toBe(replenishCommandId('d1', 'pods', 0));
  });

  it('moves order states only forward, an arrival beating a late cancellation', () => {
    expect(laterOrderState('shipped', 'placed')).toBe('shipped');
    expect(laterOrderState('arrived', 'cancelled')).toBe('arrived');
    expect(laterOrderState(null, 'cancelled')).toBe('cancelled');
  });

  it('counts a device registered only when the projector and the newest notification agree', () => {
    const registeredAt = new Date('2026-03-01T00:00:00Z');
    const later = new Date('2026-03-02T00:00:00Z');
    expect(isRegistered(inventory(), null)).toBe(true);
    expect(isRegistered(inventory({ registered: false }), { registeredAt, deregisteredAt: null })).toBe(false);
    expect(isRegistered(inventory(), { registeredAt, deregisteredAt: later })).toBe(false);
    expect(isRegistered(inventory(), { registeredAt: later, deregisteredAt: registeredAt })).toBe(true);
  });

  it('pauses when either source says paused, and uses subscriptionInfo only when no notification ever came', () => {
    expect(effectiveSubscription(inventory(), { subscribed: false }, null)).toEqual({ subscribed: false });
    expect(effectiveSubscription(inventory({ subscription: null }), null, { subscribed: true })).toEqual({
      subscribed: true,
    });
    expect(effectiveSubscription(inventory({ subscription: null }), null, null)).toBeNull();
    expect(effectiveSubscription(inventory(), null, { subscribed: false })).toEqual({ subscribed: true });
  });

  it('sees an order open when requested in this cycle, placed or shipped by either source', () => {
    expect(openOrderOf(true, [], inventory())).toEqual({ state: 'requested' });
    expect(openOrderOf(false, ['placed'], inventory())).toEqual({ state: 'placed' });
    const shipped = inventory({ openOrder: { instanceId: 'x', state: 'shipped', estimatedDeliveryAt: null } });
    expect(openOrderOf(true, ['placed'], shipped)).toEqual({ state: 'shipped' });
    expect(openOrderOf(false, [], inventory())).toBeNull();
  });

  it('reads use from falling level readings only', () => {
    expect(useFromReading(null, 80)).toBe(0);
    expect(useFromReading(80, 77.5)).toBe(2.5);
    expect(useFromReading(20, 100)).toBe(0);
  });

  it('asks for a slot status when level, spare stock or last use moved', () => {
    expect(consumptionChanged(null, inventory())).toBe(true);
    expect(consumptionChanged(inventory(), inventory({ revision: 2 }))).toBe(false);
    expect(consumptionChanged(inventory(), inventory({ level: 9 }))).toBe(true);
    expect(consumptionChanged(inventory(), inventory({ lastUseAt: '2026-03-01T00:00:00.000Z' }))).toBe(true);
  });
});
