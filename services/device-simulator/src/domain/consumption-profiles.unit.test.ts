import { describe, expect, it } from 'vitest';
import {
  BURST_FACTOR,
  BURST_PROBABILITY,
  burstFactorOn,
  type ConsumptionProfile,
  DEVICE_KINDS,
  drawUse,
  drawUseTimes,
  profileFor,
  QUIET_FACTOR,
  usesPerHourAt,
} from './consumption-profiles.js';
import { randomStream } from './random.js';

const DAY = 86_400_000;
// A Monday at midnight UTC.
const MONDAY = Date.parse('2026-03-02T00:00:00Z');

function withPattern(kind: ConsumptionProfile['kind'], pattern: ConsumptionProfile['pattern']): ConsumptionProfile {
  for (let index = 0; index < 200; index++) {
    const profile = profileFor(9, index, kind);
    if (profile.pattern === pattern) return profile;
  }
  throw new Error(`no ${pattern} ${kind} among the first households`);
}

function usesPerDay(profile: ConsumptionProfile, days: number, seed = 1): number[] {
  const random = randomStream(seed, 'test', 0);
  return Array.from(
    { length: days },
    (_, d) => drawUseTimes(profile, MONDAY + d * DAY, MONDAY + (d + 1) * DAY, random).length,
  );
}

describe('consumption profiles', () => {
  it('gives the same household and the same uses for the same seed, and another household for another seed', () => {
    expect(profileFor(5, 3, 'coffee_machine')).toEqual(profileFor(5, 3, 'coffee_machine'));
    expect(usesPerDay(profileFor(5, 3, 'coffee_machine'), 20)).toEqual(
      usesPerDay(profileFor(5, 3, 'coffee_machine'), 20),
    );
    const others = [1, 2, 3, 4].map((seed) => profileFor(seed, 3, 'coffee_machine').usesPerDay);
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it("averages a steady household's uses per day over a simulated season", () => {
    const profile = withPattern('coffee_machine', 'steady');
    const days = usesPerDay(profile, 120);
    const mean = days.reduce((a, n) => a + n, 0) / days.length;
    expect(mean).toBeGreaterThan(profile.usesPerDay * 0.85);
    expect(mean).toBeLessThan(profile.usesPerDay * 1.15);
  });

  it('has a weekday printer print on workdays and hardly at the weekend', () => {
    const profile = withPattern('printer', 'weekday');
    const days = usesPerDay(profile, 70); // ten weeks from a Monday
    const weekend = days.filter((_, d) => d % 7 === 5 || d % 7 === 6).reduce((a, n) => a + n, 0);
    const workdays = days.filter((_, d) => d % 7 < 5).reduce((a, n) => a + n, 0);
    expect(workdays).toBeGreaterThan(weekend * 10);
  });

  it('gives a bursty household quiet days and heavy days with the same long-run mean', () => {
    const profile = withPattern('washing_machine', 'bursty');
    const factors = Array.from({ length: 5000 }, (_, d) => burstFactorOn(profile, MONDAY + d * DAY));
    const bursts = factors.filter((f) => f === BURST_FACTOR).length / factors.length;
    expect(bursts).toBeGreaterThan(BURST_PROBABILITY * 0.8);
    expect(bursts).toBeLessThan(BURST_PROBABILITY * 1.2);
    expect(new Set(factors)).toEqual(new Set([BURST_FACTOR, QUIET_FACTOR]));
    expect(BURST_PROBABILITY * BURST_FACTOR + (1 - BURST_PROBABILITY) * QUIET_FACTOR).toBeCloseTo(1, 10);
  });

  it('brews coffee mostly in the morning and runs the dishwasher in the evening', () => {
    const coffee = withPattern('coffee_machine', 'steady');
    expect(usesPerHourAt(coffee, MONDAY + 7 * 3_600_000)).toBeGreaterThan(
      5 * usesPerHourAt(coffee, MONDAY + 2 * 3_600_000),
    );
    const dishwasher = withPattern('dishwasher', 'steady');
    expect(usesPerHourAt(dishwasher, MONDAY + 20 * 3_600_000)).toBeGreaterThan(
      5 * usesPerHourAt(dishwasher, MONDAY + 4 * 3_600_000),
    );
  });

  it('draws the uses of an interval inside it, in time order', () => {
    const profile = withPattern('coffee_machine', 'steady');
    const from = MONDAY + 6.5 * 3_600_000;
    const to = from + 3 * DAY + 1234;
    const times = drawUseTimes(profile, from, to, randomStream(1, 'test', 1));
    expect(times.length).toBeGreaterThan(0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(from);
      expect(t).toBeLessThan(to);
    }
    expect(drawUseTimes(profile, from, from, randomStream(1, 'test', 1))).toEqual([]);
  });

  it('never splits a pod or a tablet, and doses washing machine slots around their template dose', () => {
    const random = randomStream(3, 'test', 2);
    for (let i = 0; i < 200; i++) {
      for (const use of drawUse(withPattern('coffee_machine', 'steady'), random))
        expect(use).toEqual({ slotId: 'pods', quantity: 1 });
      for (const use of drawUse(withPattern('dishwasher', 'steady'), random)) {
        if (use.slotId === 'tablets') expect(use.quantity).toBe(1);
      }
      for (const use of drawUse(withPattern('washing_machine', 'steady'), random)) {
        if (use.slotId === 'detergent') {
          expect(use.quantity).toBeGreaterThanOrEqual(75 * 0.85);
          expect(use.quantity).toBeLessThanOrEqual(75 * 1.15);
        }
      }
    }
  });

  it('has every kind use its slots of the catalog templates', () => {
    const slots = Object.fromEntries(
      DEVICE_KINDS.map((kind) => [kind, profileFor(1, 0, kind).slots.map((s) => s.slotId)]),
    );
    expect(slots).toEqual({
      printer: ['black_ink', 'cyan_ink', 'magenta_ink', 'yellow_ink'],
      washing_machine: ['detergent', 'softener', 'bleach'],
      dishwasher: ['tablets', 'rinse_aid', 'salt'],
      coffee_machine: ['pods'],
    });
  });
});
