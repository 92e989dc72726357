import { describe, expect, it } from 'vitest';
import { advanced, rescaled, simTimeAt, startClock } from './sim-clock.js';

const t0 = Date.parse('2030-01-01T00:00:00Z');

describe('the simulated clock', () => {
  it('runs scale times as fast as real time', () => {
    const clock = startClock(t0, 60);
    expect(simTimeAt(clock, t0)).toBe(t0);
    expect(simTimeAt(clock, t0 + 1_000)).toBe(t0 + 60_000);
  });

  it('continues from the current simulated time when the scale changes', () => {
    const fast = startClock(t0, 60);
    const slow = rescaled(fast, t0 + 10_000, 1);
    expect(simTimeAt(slow, t0 + 10_000)).toBe(t0 + 600_000);
    expect(simTimeAt(slow, t0 + 11_000)).toBe(t0 + 601_000);
  });

  it('jumps forward on advance and never backwards', () => {
    const clock = startClock(t0, 1);
    expect(simTimeAt(advanced(clock, 86_400_000), t0)).toBe(t0 + 86_400_000);
    expect(simTimeAt(advanced(clock, -5_000), t0)).toBe(t0);
  });
});
