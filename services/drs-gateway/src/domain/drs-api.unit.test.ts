import type { InventoryChanged } from '@restock/events';
import { describe, expect, it } from 'vitest';
import { isInvalidToken, orderInfoAnswer, replenishAnswer, slotStatusBody, subscriptionInfoAnswer } from './drs-api.js';

const NOW = new Date('2026-03-04T12:00:00.000Z');

function state(overrides: Partial<InventoryChanged['data']>): InventoryChanged['data'] {
  return {
    slotId: 'detergent',
    unitType: 'volume',
    unit: 'ml',
    level: 1500,
    capacity: 3000,
    spareStock: 3000,
    onTheWay: [],
    stockOnHand: 4500,
    overdraw: 0,
    lastUseAt: '2026-03-04T11:00:00.000Z',
    registered: true,
    subscription: { subscribed: true, asin: null },
    openOrder: null,
    revision: 3,
    ...overrides,
  };
}

describe('the slotStatus body', () => {
  it('speaks the marketplace’s unit: fluid ounces in the US, litres in the UK', () => {
    const us = slotStatusBody(state({}), 'US', new Date('2026-03-20T00:00:00Z'), NOW);
    expect(us.unit).toBe('fl oz');
    expect(us.body).toEqual({
      expectedReplenishmentDate: '2026-03-20T00:00:00.000Z',
      remainingQuantityInUnit: 50.721034,
      originalQuantityInUnit: 101.442068,
      totalQuantityOnHand: 101.442068,
      lastUseDate: '2026-03-04T11:00:00.000Z',
    });
    const uk = slotStatusBody(state({}), 'uk', null, NOW);
    expect(uk).toMatchObject({ unit: 'l', body: { remainingQuantityInUnit: 1.5, originalQuantityInUnit: 3 } });
  });

  it('sends ounces for a US weight slot, percent for ink and counts for pods', () => {
    expect(
      slotStatusBody(state({ unitType: 'weight', unit: 'g', level: 283.49523125 }), 'US', null, NOW).body,
    ).toMatchObject({ remainingQuantityInUnit: 10 });
    const ink = slotStatusBody(
      state({ unitType: 'percentage', unit: 'percent', level: 37, capacity: 100, spareStock: 100 }),
      'DE',
      null,
      NOW,
    );
    expect(ink).toMatchObject({
      unit: '%',
      body: { remainingQuantityInUnit: 37, originalQuantityInUnit: 100, totalQuantityOnHand: 100 },
    });
    expect(slotStatusBody(state({ unitType: 'count', unit: 'count', level: 12 }), 'US', null, NOW).unit).toBe('count');
  });

  it('dates the replenishment a year out when no run-out date is known, and the last use now when none was seen', () => {
    const body = slotStatusBody(state({ lastUseAt: null }), 'US', null, NOW).body;
    expect(body['expectedReplenishmentDate']).toBe('2027-03-04T12:00:00.000Z');
    expect(body['lastUseDate']).toBe(NOW.toISOString());
  });
});

describe('reading DRS answers', () => {
  it('takes ORDER_INPROGRESS as an answer naming the order in progress, and refuses unknown detail codes', () => {
    expect(replenishAnswer({ eventInstanceId: 'amzn1.dash.v2.o.x', detailCode: 'ORDER_INPROGRESS' })).toEqual({
      eventInstanceId: 'amzn1.dash.v2.o.x',
      detailCode: 'ORDER_INPROGRESS',
    });
    expect(replenishAnswer({ eventInstanceId: 'amzn1.dash.v2.o.x', detailCode: 'MAYBE' })).toBeNull();
    expect(replenishAnswer(null)).toBeNull();
  });

  it('recognises only DRS’s exact "Invalid token" answer as an expired token', () => {
    expect(isInvalidToken(400, { message: 'Invalid token' })).toBe(true);
    expect(isInvalidToken(400, { message: 'Unable to place order - slot : s is unsubscribed.' })).toBe(false);
    expect(isInvalidToken(500, { message: 'Invalid token' })).toBe(false);
  });

  it('reads both subscriptionInfo versions and getOrderInfo with a null delivery date', () => {
    expect([...subscriptionInfoAnswer({ slotsSubscriptionStatus: { a: true, b: false } })]).toEqual([
      ['a', { subscribed: true, asin: null }],
      ['b', { subscribed: false, asin: null }],
    ]);
    expect(
      subscriptionInfoAnswer({
        slotsSubscriptionStatus: {
          a: { subscribed: true, productInfoList: [{ asin: 'B00X', quantity: 1, unit: 'count' }] },
        },
      }).get('a'),
    ).toEqual({ subscribed: true, asin: 'B00X' });
    expect(
      orderInfoAnswer({ orderInfoData: { orderItems: [{ status: 'Processing', expectedDeliveryDate: null }] } }),
    ).toEqual({ status: 'Processing', expectedDeliveryAt: null });
  });
});
