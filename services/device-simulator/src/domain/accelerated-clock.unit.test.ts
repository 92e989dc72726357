import { describe, expect, it } from 'vitest';
import { acceleratedClock } from './accelerated-clock.js';

describe('the accelerated clock', () => {
  it('runs simulated time TIME_SCALE times faster from the start, and maps back to real time', () => {
    const clock = acceleratedClock(1_000_000, 600);
    expect(clock.simAt(1_000_000)).toBe(1_000_000);
    expect(clock.simAt(1_000_000 + 144_000)).toBe(1_000_000 + 86_400_000);
    expect(clock.realAt(clock.simAt(1_234_567))).toBeCloseTo(1_234_567, 6);
    expect(() => acceleratedClock(0, 0.5)).toThrow(RangeError);
  });
});
