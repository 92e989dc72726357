import { describe, expect, it } from 'vitest';
import { createRandom, decideApiCall, noFaults, planDelivery, shouldRelease, shuffle } from './faults.js';

describe('the fault PRNG', () => {
  it('gives the same sequence for the same seed and stream, and another for another seed or stream', () => {
    const draw = (seed: number, stream: 'api' | 'notifications') => {
      const random = createRandom(seed, stream);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(42, 'api')).toEqual(draw(42, 'api'));
    expect(draw(42, 'api')).not.toEqual(draw(43, 'api'));
    expect(draw(42, 'api')).not.toEqual(draw(42, 'notifications'));
    for (const value of draw(1, 'api')) expect(value >= 0 && value < 1).toBe(true);
  });

  it('fails roughly the configured share of calls', () => {
    const random = createRandom(5, 'api');
    const faults = { ...noFaults(5).api, failRate: 0.3 };
    const failed = Array.from({ length: 10_000 }, () => decideApiCall(faults, random).fail).filter(Boolean).length;
    expect(failed).toBeGreaterThan(2_700);
    expect(failed).toBeLessThan(3_300);
  });

  it('draws the same number of values whatever the settings, so changing one rate does not shift the others', () => {
    const a = createRandom(9, 'api');
    const b = createRandom(9, 'api');
    decideApiCall({ ...noFaults(9).api, failRate: 0 }, a);
    decideApiCall({ ...noFaults(9).api, failRate: 1, slowRate: 1, slowMs: 5 }, b);
    expect(a()).toBe(b());
  });
});

describe('planDelivery', () => {
  it('plans one prompt copy without faults', () => {
    expect(planDelivery(noFaults(1).notifications, createRandom(1, 'notifications'))).toEqual({
      copies: 1,
      delaySeconds: 0,
      held: false,
    });
  });

  it('plans two late, held copies when every fault is certain', () => {
    const faults = { duplicateRate: 1, lateRate: 1, lateSeconds: 90, reorderWindow: 3, reorderMaxHoldSeconds: 10 };
    expect(planDelivery(faults, createRandom(1, 'notifications'))).toEqual({ copies: 2, delaySeconds: 90, held: true });
  });
});

describe('shouldRelease', () => {
  const faults = { ...noFaults(1).notifications, reorderWindow: 4, reorderMaxHoldSeconds: 30 };
  const now = new Date('2030-01-01T00:01:00Z');

  it('releases a full window at once', () => {
    expect(shouldRelease(faults, 4, new Date('2030-01-01T00:00:59Z'), now)).toBe(true);
  });

  it('holds a partial window until the oldest has waited long enough', () => {
    expect(shouldRelease(faults, 2, new Date('2030-01-01T00:00:31Z'), now)).toBe(false);
    expect(shouldRelease(faults, 2, new Date('2030-01-01T00:00:30Z'), now)).toBe(true);
  });

  it('releases everything once the fault is off, and nothing when nothing is held', () => {
    expect(shouldRelease({ ...faults, reorderWindow: 0 }, 1, now, now)).toBe(true);
    expect(shouldRelease(faults, 0, undefined, now)).toBe(false);
  });
});

describe('shuffle', () => {
  it('returns a permutation, the same one for the same draws', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const a = shuffle(items, createRandom(3, 'notifications'));
    const b = shuffle(items, createRandom(3, 'notifications'));
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
