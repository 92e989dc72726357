import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from './device-record.js';
import { deviceDetail, orderView, slotIdsOf } from './device-view.js';

const NOW = new Date('2025-06-15T12:00:00.000Z');
const settings = { burnRate: { windowDays: 28, minHistoryDays: 3 }, defaultDaysOfCover: 7 };

function record(overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId: 'printer-1',
    modelId: 'PR-1',
    serialNumber: 'SN1',
    marketplace: 'FR',
    customerId: 'alice',
    model: {
      name: 'Printer',
      kind: 'printer',
      slots: [
        {
          slotId: 'black',
          unitType: 'percentage',
          capacity: 100,
          defaultDailyUse: 2,
          replenishmentId: 'r1',
          optional: false,
        },
        {
          slotId: 'cyan',
          unitType: 'percentage',
          capacity: 100,
          defaultDailyUse: 1,
          replenishmentId: 'r2',
          optional: false,
        },
      ],
      listing: null,
    },
    registration: { registeredAt: '2025-06-01T00:00:00.000Z', deregisteredAt: '2025-06-10T00:00:00.000Z' },
    slots: [
      {
        slotId: 'black',
        unitType: 'percentage',
        capacity: 100,
        level: 37.5,
        spareStock: 100,
        lastUseAt: null,
        revision: 4,
      },
    ],
    openOrders: [],
    subscriptions: [],
    daily: [],
    dailySince: '2025-05-17',
    firstDays: [],
    preferences: [{ slotId: 'black', daysOfCover: 10 }],
    ...overrides,
  };
}

describe('deviceDetail', () => {
  it('shows percentage slots in % with the model name when the marketplace has no listing', () => {
    const detail = deviceDetail(record(), NOW, settings);
    expect(detail.name).toBe('Printer');
    expect(detail.slots[0]).toMatchObject({
      slotId: 'black',
      name: 'black',
      unit: '%',
      level: 37.5,
      percent: 37.5,
      stockOnHand: 137.5,
      burnRatePerDay: 2,
      daysLeft: 68.75,
      daysOfCover: 10,
      daysOfCoverChosen: true,
    });
  });

  it('shows a slot the projector has not created yet as full, as the projector will start it', () => {
    expect(deviceDetail(record(), NOW, settings).slots[1]).toMatchObject({
      slotId: 'cyan',
      level: 100,
      percent: 100,
      revision: 0,
      daysOfCover: 7,
      daysOfCoverChosen: false,
    });
  });

  it('is not registered when the newest deregistration is newer than the registration', () => {
    expect(deviceDetail(record(), NOW, settings).drs.registered).toBe(false);
  });

  it('lists a slot the projection holds but the model no longer names, after the model slots', () => {
    const extra = record({
      slots: [
        {
          slotId: 'waste',
          unitType: 'percentage',
          capacity: 100,
          level: 5,
          spareStock: 0,
          lastUseAt: null,
          revision: 1,
        },
      ],
    });
    expect(slotIdsOf(extra)).toEqual(['black', 'cyan', 'waste']);
  });
});

describe('orderView', () => {
  it('has no display unit for an order of a slot nobody knows', () => {
    const order = {
      instanceId: 'o1',
      slotId: 'magenta',
      state: 'placed' as const,
      quantity: null,
      asin: null,
      estimatedDeliveryAt: null,
      placedAt: '2025-06-14T00:00:00.000Z',
      shippedAt: null,
      arrivedAt: null,
      cancelledAt: null,
    };
    expect(orderView(record(), order)).toMatchObject({ unit: null, quantity: null, canonicalQuantity: null });
  });
});
