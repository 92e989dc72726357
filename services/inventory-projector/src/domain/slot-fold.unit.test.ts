import { describe, expect, it } from 'vitest';
import { laterState } from './order-state.js';
import { orderedQuantity } from './quantities.js';
import { applyFact, compareFacts, foldFacts, initialLevels, type SlotFact } from './slot-fold.js';

const fact = (
  kind: SlotFact['kind'],
  occurredAt: number,
  quantity: number,
  sequence = 0,
  eventId = `${kind}-${occurredAt}-${sequence}`,
): SlotFact => ({
  eventId,
  kind,
  occurredAt,
  sequence,
  quantity,
});

describe('a slot folded from its facts', () => {
  it('subtracts use and records an overdraw instead of going below zero', () => {
    const s = foldFacts([fact('consumed', 1, 30), fact('consumed', 2, 90)], 100);
    expect(s.level).toBe(0);
    expect(s.overdraw).toBe(20);
    expect(s.lastUseAt).toBe(2);
  });

  it('never lets a reading with an older sequence win over a newer one', () => {
    const s = foldFacts([fact('level', 10, 40, 5), fact('level', 20, 90, 3)], 100);
    expect(s.level).toBe(40);
    expect(s.lastReadingSequence).toBe(5);
  });

  it('takes a refill shown by a rising reading from the spare stock, and counts a falling one as use', () => {
    const s = foldFacts([fact('addSpare', 1, 100), fact('level', 2, 20, 1), fact('level', 3, 100, 2)], 100);
    expect(s.spareStock).toBe(20);
    expect(s.level).toBe(100);
    expect([...s.daily.values()].reduce((a, b) => a + b, 0)).toBe(80);
  });

  it('ends in the same state whatever order the same facts arrive in', () => {
    const facts = [
      fact('consumed', 5, 3.3, 1),
      fact('level', 8, 50, 2),
      fact('consumed', 9, 1.1, 3),
      fact('arrived', 9, 100),
      fact('setLevel', 12, 70),
      fact('addSpare', 3, 12.5),
      fact('consumed', 15, 0.7, 4),
    ];
    const expected = foldFacts(facts, 100);
    for (let i = 0; i < 50; i++) {
      const shuffled = [...facts].sort(() => Math.random() - 0.5);
      expect(foldFacts(shuffled, 100)).toEqual(expected);
    }
  });

  it('gives the same state incrementally as by a full fold when facts come in canonical order', () => {
    const facts = [
      fact('consumed', 1, 0.1, 1),
      fact('consumed', 2, 0.2, 2),
      fact('level', 3, 99.7, 3),
      fact('consumed', 4, 0.3, 4),
    ];
    const incremental = initialLevels(100);
    for (const f of [...facts].sort(compareFacts)) applyFact(incremental, f);
    expect(incremental).toEqual(foldFacts(facts, 100));
    expect(incremental.level).toBe(99.4);
  });
});

describe('order states', () => {
  it('only move forward: a late OrderPlaced does not undo ItemShipped', () => {
    expect(laterState('shipped', 'placed')).toBe('shipped');
    expect(laterState('placed', 'shipped')).toBe('shipped');
    expect(laterState('cancelled', 'placed')).toBe('cancelled');
  });

  it('let goods that arrived win over a cancellation, in either order', () => {
    expect(laterState('cancelled', 'arrived')).toBe('arrived');
    expect(laterState('arrived', 'cancelled')).toBe('arrived');
  });
});

describe('ordered quantities', () => {
  it('converts DRS units to the slot canonical unit and counts refills on percentage slots', () => {
    expect(
      orderedQuantity([{ asin: 'A', quantity: 103, unit: 'fl oz', estimatedDeliveryAt: null }], {
        unitType: 'volume',
        capacity: 3000,
      }),
    ).toBe(3046.073545);
    expect(
      orderedQuantity([{ asin: 'A', quantity: 5, unit: 'l', estimatedDeliveryAt: null }], {
        unitType: 'volume',
        capacity: 3000,
      }),
    ).toBe(5000);
    expect(
      orderedQuantity([{ asin: 'A', quantity: 2, unit: 'Count', estimatedDeliveryAt: null }], {
        unitType: 'percentage',
        capacity: 100,
      }),
    ).toBe(200);
    expect(() =>
      orderedQuantity([{ asin: 'A', quantity: 2, unit: 'pounds', estimatedDeliveryAt: null }], {
        unitType: 'volume',
        capacity: 1,
      }),
    ).toThrow();
  });
});
