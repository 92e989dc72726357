import { describe, expect, it } from 'vitest';
import {
  cancellation,
  decideReplenish,
  dueStep,
  isOpen,
  type OrderStatus,
  orderInfoStatus,
  planOrder,
  resolution,
  resolutionDeadline,
} from './order-life.js';

const settings = {
  shipAfterMs: 86_400_000,
  deliveryAfterShippingMs: 172_800_000,
  cancelWindowMs: 86_400_000,
  resolutionWindowMs: 259_200_000,
};
const placedAt = new Date('2030-03-04T09:15:02.118Z');

function order(status: OrderStatus) {
  const resolving = status === 'resolving';
  return {
    status,
    placedAt,
    confirmedAt: resolving ? null : placedAt,
    resolveBy: resolving ? resolutionDeadline(placedAt, settings) : null,
    ...planOrder(placedAt, settings),
  };
}

describe('planOrder', () => {
  it('ships after the cancellation delay and arrives after the transit, in whole seconds', () => {
    expect(planOrder(placedAt, settings)).toEqual({
      shipAt: new Date('2030-03-05T09:15:02.118Z'),
      estimatedDeliveryAt: new Date('2030-03-07T09:15:03.000Z'),
    });
  });
});

describe('dueStep', () => {
  it('ships a placed order at its ship time, not before', () => {
    expect(dueStep(order('placed'), new Date('2030-03-05T09:15:02.117Z'))).toBeUndefined();
    expect(dueStep(order('placed'), new Date('2030-03-05T09:15:02.118Z'))).toBe('ship');
  });

  it('delivers a shipped order at its estimated delivery date', () => {
    expect(dueStep(order('shipped'), new Date('2030-03-07T09:15:02Z'))).toBeUndefined();
    expect(dueStep(order('shipped'), new Date('2030-03-07T09:15:03Z'))).toBe('deliver');
  });

  it('cancels an order still awaiting resolution once its 72 h are over, and never ships it before', () => {
    expect(dueStep(order('resolving'), new Date('2030-03-07T09:15:02.117Z'))).toBeUndefined();
    expect(dueStep(order('resolving'), new Date('2030-03-07T09:15:02.118Z'))).toBe('expire');
  });

  it('never moves a delivered or cancelled order', () => {
    const later = new Date('2031-01-01T00:00:00Z');
    expect(dueStep(order('delivered'), later)).toBeUndefined();
    expect(dueStep(order('cancelled'), later)).toBeUndefined();
  });
});

describe('cancellation', () => {
  it('allows the customer to cancel a placed order within 24 h', () => {
    expect(cancellation(order('placed'), new Date('2030-03-05T09:15:02.118Z'), settings)).toEqual({ ok: true });
  });

  it('refuses after 24 h, and once shipped', () => {
    expect(cancellation(order('placed'), new Date('2030-03-05T09:15:02.119Z'), settings)).toMatchObject({ ok: false });
    expect(cancellation(order('shipped'), placedAt, settings)).toEqual({ ok: false, reason: 'the order is shipped' });
  });
});

describe('resolution', () => {
  it('resolves an order awaiting resolution within its 72 h only', () => {
    expect(resolution(order('resolving'), new Date('2030-03-07T09:15:02.117Z'))).toEqual({ ok: true });
    expect(resolution(order('resolving'), new Date('2030-03-07T09:15:02.118Z'))).toMatchObject({ ok: false });
    expect(resolution(order('placed'), placedAt)).toMatchObject({ ok: false });
  });

  it('counts the 24 h cancellation window from OrderPlaced, not from the replenish call', () => {
    const resolvedAt = new Date('2030-03-06T00:00:00Z');
    const resolved = { ...order('placed'), confirmedAt: resolvedAt };
    expect(cancellation(resolved, new Date('2030-03-06T23:59:59Z'), settings)).toEqual({ ok: true });
  });
});

describe('decideReplenish', () => {
  it('answers in progress with the open order first, even on a paused slot', () => {
    expect(decideReplenish({ subscribed: false, asin: 'B0' }, { eventInstanceId: 'amzn1.dash.v2.o.x' }, false)).toEqual(
      {
        kind: 'in-progress',
        eventInstanceId: 'amzn1.dash.v2.o.x',
      },
    );
  });

  it('refuses a slot that is paused or has no product chosen', () => {
    expect(decideReplenish({ subscribed: false, asin: 'B0' }, undefined, false)).toEqual({ kind: 'unsubscribed' });
    expect(decideReplenish({ subscribed: true, asin: null }, undefined, false)).toEqual({ kind: 'unsubscribed' });
  });

  it('places a standard order, or a test order for a test device', () => {
    expect(decideReplenish({ subscribed: true, asin: 'B0' }, undefined, false)).toMatchObject({
      detailCode: 'STANDARD_ORDER_PLACED',
    });
    expect(decideReplenish({ subscribed: true, asin: 'B0' }, undefined, true)).toMatchObject({
      detailCode: 'TEST_ORDER_PLACED',
    });
  });
});

describe('order states', () => {
  it('keeps an order open from placement to delivery', () => {
    expect(['placed', 'shipped', 'delivered', 'cancelled'].map((s) => isOpen(s as 'placed'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('reports GetOrderInfo statuses of the current documentation, delivered staying Shipped', () => {
    expect(orderInfoStatus('resolving')).toBe('Processing');
    expect(orderInfoStatus('placed')).toBe('Processing');
    expect(orderInfoStatus('shipped')).toBe('Shipped');
    expect(orderInfoStatus('delivered')).toBe('Shipped');
    expect(orderInfoStatus('cancelled')).toBe('Cancelled');
  });
});
