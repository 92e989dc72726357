import type { PolicySettings } from '@restock/policy';

/**
 * A cheap upper bound of the policy's reorder threshold, used only to skip asking the policy on days
 * it certainly would not order.
 *
 * Why it exists: `decide` works on `YYYY-MM-DD` strings and Date objects, which is right for a
 * service deciding a few times per report but costs about 100 us per adaptive decision here; the
 * simulation makes about 9 million slot-day decisions (10,000 devices x 393 days x 1.25 slots x 2
 * policies), which would take a quarter of an hour. The policy orders only when the stock on hand is
 * at or below its threshold, so a day whose stock is above an upper bound of that threshold is a day
 * it says no; only the remaining days are asked. Decisions still come from `decide` alone.
 *
 * The bound follows the arithmetic documented in @restock/policy (burn-rate.ts and decide.ts) on
 * plain numbers instead of dates, with a relative margin over it for the policy's rounding to 1e-6.
 * Should the policy's rule change so that the bound no longer holds, the audit
 * catches it: a seeded sample of skipped days is asked anyway and any order it reveals is counted as
 * a screen miss (printed with the results, and zero in the tests, which also compare a screened run
 * with one that asks the policy every day).
 */

/** Relative slack over the bound (rounding of rates and factors to 1e-6 in the policy). */
const RELATIVE_MARGIN = 0.02;

/** The slot's use on run days, and the day it was first used (its `trackedSince`), or -1. */
export interface UseSeries {
  uses: Float64Array;
  trackedSince: number;
}

/**
 * Upper bound of the guide rule's threshold at `hourOfDay` of run day `today`: everything used since
 * the window's first day (today included) divided by the elapsed days, times the days of cover.
 */
export function guideThresholdBound(
  series: UseSeries,
  today: number,
  hourOfDay: number,
  defaultDailyUse: number,
  settings: PolicySettings,
  daysOfCover: number,
): number {
  let rate = defaultDailyUse;
  if (series.trackedSince >= 0) {
    const first = Math.max(series.trackedSince, today - settings.windowDays);
    const elapsedDays = today - first + hourOfDay / 24;
    if (elapsedDays >= settings.minHistoryDays) {
      let used = 0;
      for (let d = first; d <= today; d++) used += series.uses[d] ?? 0;
      rate = used / elapsedDays;
    }
  }
  return rate * daysOfCover * (1 + RELATIVE_MARGIN) + 1e-6;
}

const WEEKDAY_MIN_EFFECT = 0.2;

/**
 * Upper bound of the adaptive rule's threshold at `hourOfDay` of run day `today` (its rate from
 * complete days only, as the policy's); `weekdayOfDay0` is the UTC weekday (0 = Sunday) of run day 0.
 * Written with plain loops and no allocation: it runs for every slot on every simulated day.
 */
export function adaptiveThresholdBound(
  series: UseSeries,
  today: number,
  hourOfDay: number,
  weekdayOfDay0: number,
  defaultDailyUse: number,
  settings: PolicySettings,
  daysOfCover: number,
): number {
  const yesterday = today - 1;
  const first = Math.max(series.trackedSince, today - settings.windowDays);
  if (series.trackedSince < 0 || first > yesterday) {
    return defaultDailyUse * daysOfCover * (1 + RELATIVE_MARGIN) + 1e-6;
  }
  const uses = series.uses;
  const n = yesterday - first + 1;
  let sum = 0;
  for (let d = first; d <= yesterday; d++) sum += uses[d] ?? 0;
  const mean = sum / n;

  let hasFactors = false;
  let borderline = false;
  if (n >= settings.weekdayMinDays && mean > 0) {
    // Each weekday's mean shrunk towards the overall mean by one pseudo-day, normalised to mean 1.
    scratchSums.fill(0);
    scratchCounts.fill(0);
    for (let d = first; d <= yesterday; d++) {
      const w = (weekdayOfDay0 + d) % 7;
      scratchSums[w]! += uses[d] ?? 0;
      scratchCounts[w]! += 1;
    }
    let rawSum = 0;
    for (let w = 0; w < 7; w++) {
      scratchFactors[w] = (scratchSums[w]! + mean) / (scratchCounts[w]! + 1) / mean;
      rawSum += scratchFactors[w]!;
    }
    let effect = 0;
    for (let w = 0; w < 7; w++) {
      scratchFactors[w] = scratchFactors[w]! / (rawSum / 7);
      effect = Math.max(effect, Math.abs(scratchFactors[w]! - 1));
    }
    hasFactors = effect >= WEEKDAY_MIN_EFFECT;
    // The policy rounds the factors before this test, so near the limit it may decide either way:
    // then the bound is the larger of both readings.
    borderline = Math.abs(effect - WEEKDAY_MIN_EFFECT) < 1e-5;
  }
  const args = [
    series.uses,
    first,
    yesterday,
    hourOfDay,
    weekdayOfDay0,
    defaultDailyUse,
    settings,
    daysOfCover,
  ] as const;
  const bound = thresholdWith(hasFactors ? scratchFactors : null, ...args);
  if (!borderline) return bound;
  return Math.max(bound, thresholdWith(hasFactors ? null : scratchFactors, ...args));
}

const scratchSums = new Float64Array(7);
const scratchCounts = new Float64Array(7);
const scratchFactors = new Float64Array(7);

const decayTables = new Map<number, Float64Array>();

/** 0.5^(age / half-life) for ages 0..n-1, computed once per half-life (a power per day is the hot spot). */
function decayWeights(halfLifeDays: number, n: number): Float64Array {
  let table = decayTables.get(halfLifeDays);
  if (table === undefined || table.length < n) {
    table = new Float64Array(Math.max(n, 64));
    for (let age = 0; age < table.length; age++) table[age] = 0.5 ** (age / halfLifeDays);
    decayTables.set(halfLifeDays, table);
  }
  return table;
}

/** The bound for one reading of the weekday pattern (`null`: none). */
function thresholdWith(
  factors: Float64Array | null,
  uses: Float64Array,
  first: number,
  yesterday: number,
  hourOfDay: number,
  weekdayOfDay0: number,
  defaultDailyUse: number,
  settings: PolicySettings,
  daysOfCover: number,
): number {
  const n = yesterday - first + 1;
  // With a weekly pattern the policy averages 7-day means (each holds every weekday once), else days.
  const span = factors === null ? 1 : 7;
  let weighted = 0;
  let weights = 0;
  let spanSum = 0;
  for (let k = 0; k < span; k++) spanSum += uses[yesterday - k] ?? 0;
  const decay = decayWeights(settings.halfLifeDays, n);
  for (let age = 0; age + span <= n; age++) {
    const weight = decay[age]!;
    weighted += weight * (spanSum / span);
    weights += weight;
    spanSum += (uses[yesterday - age - span] ?? 0) - (uses[yesterday - age] ?? 0);
  }
  const priorWeight = settings.priorWeightDays * Math.max(0, 1 - n / settings.priorFadeDays);
  const rate = (weighted + priorWeight * defaultDailyUse) / (weights + priorWeight);

  let dailyStdDev = 0;
  if (n >= settings.safetyMinDays && n > 1) {
    let squares = 0;
    for (let d = first; d <= yesterday; d++) {
      const factor = factors === null ? 1 : factors[(weekdayOfDay0 + d) % 7]!;
      squares += ((uses[d] ?? 0) - rate * factor) ** 2;
    }
    dailyStdDev = Math.sqrt(squares / (n - 1));
  }
  // The use expected over the cover from now: the rest of today, then whole days, each at its
  // weekday's factor (the policy's projectedUse).
  let expected = 0;
  let left = daysOfCover;
  for (let day = yesterday + 1, slice = 1 - hourOfDay / 24; left > 0; day++, slice = 1) {
    const part = Math.min(slice, left);
    expected += rate * (factors === null ? 1 : factors[(weekdayOfDay0 + day) % 7]!) * part;
    left -= part;
  }
  const safetyStock = settings.serviceLevelZ * dailyStdDev * Math.sqrt(daysOfCover);
  return (expected + safetyStock) * (1 + RELATIVE_MARGIN) + 1e-6;
}
