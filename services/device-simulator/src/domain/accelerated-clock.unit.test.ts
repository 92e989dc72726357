import { describe, expect, it } from 'vitest';
import { acceleratedClock, simulatedMorningOf } from './accelerated-clock.js';

describe('the accelerated clock', () => {
  it('runs simulated time TIME_SCALE times faster from its start, and maps back to real time', () => {
    const clock = acceleratedClock(1_000_000, 5_000_000, 600);
    expect(clock.simAt(1_000_000)).toBe(5_000_000);
    expect(clock.simAt(1_000_000 + 144_000)).toBe(5_000_000 + 86_400_000);
    expect(clock.realAt(clock.simAt(1_234_567))).toBeCloseTo(1_234_567, 6);
    expect(() => acceleratedClock(0, 0, 0.5)).toThrow(RangeError);
  });

  it('starts the simulated day in the morning, whatever the hour the simulator starts', () => {
    expect(new Date(simulatedMorningOf(Date.parse('2026-03-02T03:12:00Z'))).toISOString()).toBe(
      '2026-03-02T06:00:00.000Z',
    );
    expect(new Date(simulatedMorningOf(Date.parse('2026-03-02T23:59:00Z'))).toISOString()).toBe(
      '2026-03-02T06:00:00.000Z',
    );
  });
});
