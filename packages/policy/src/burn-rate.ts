import { addDays, DAY_MS, dayStart, round6, utcDay, weekdayOf } from './calendar.js';
import type { PolicySettings, SlotHistory } from './types.js';

function useByDay(history: SlotHistory): Map<string, number> {
  const byDay = new Map<string, number>();
  for (const d of history.dailyUse) byDay.set(d.day, (byDay.get(d.day) ?? 0) + Math.max(0, d.quantity));
  return byDay;
}

export interface GuideRate {
  rate: number;
  source: 'history' | 'default';
  /** Days the rate covers: whole days plus the elapsed part of today. */
  windowDays: number;
}

/**
 * The DRS guide's burn rate: everything used in the window divided by the days in it. The window
 * starts at midnight `windowDays` days ago, or on the first tracked day if that is later, and ends
 * now (so today counts with the part of it that has passed). Shorter than `minHistoryDays`, the
 * model's default daily use stands in.
 */
export function guideBurnRate(
  history: SlotHistory,
  defaultDailyUse: number,
  settings: PolicySettings,
  now: Date,
): GuideRate {
  const nowMs = now.getTime();
  if (history.trackedSince === null) return { rate: defaultDailyUse, source: 'default', windowDays: 0 };
  const startMs = Math.max(dayStart(history.trackedSince), dayStart(utcDay(nowMs - settings.windowDays * DAY_MS)));
  const elapsedDays = (nowMs - startMs) / DAY_MS;
  if (elapsedDays < settings.minHistoryDays) return { rate: defaultDailyUse, source: 'default', windowDays: 0 };
  const from = utcDay(startMs);
  const today = utcDay(nowMs);
  let used = 0;
  for (const [day, quantity] of useByDay(history)) if (day >= from && day <= today) used += quantity;
  return { rate: round6(used / elapsedDays), source: 'history', windowDays: round6(elapsedDays) };
}

const WEEKDAY_MIN_EFFECT = 0.2;

export interface AdaptiveRate {
  /** The deseasonalised, exponentially weighted daily use. */
  rate: number;
  source: 'history' | 'default' | 'blended';
  /** Complete days of history used. */
  windowDays: number;
  /** Weekday factors (Sunday first, mean 1), or null without a pattern to trust. */
  weekdayFactors: number[] | null;
  /** Standard deviation of daily use around the expected use, or 0 without enough days. */
  dailyStdDev: number;
}

/**
 * The adaptive burn rate, computed over the complete days of the window (today is still running):
 * - an exponentially weighted mean (half-life `halfLifeDays`), so a change of habit shows within days
 *   instead of being averaged away over the whole window as in the guide's rule;
 * - the model's default daily use blended in with the weight of `priorWeightDays` days, fading to
 *   nothing over `priorFadeDays`: a new device starts exactly at the default and moves to its own
 *   rate as history accumulates, without the jump of a fixed cut-over;
 * - with at least `weekdayMinDays` days, a weekday pattern (a washing machine used on Saturdays): the
 *   mean is taken of deseasonalised use, and the factors shape the projected use;
 * - the standard deviation of use around that expectation, for the safety stock.
 */
export function adaptiveBurnRate(
  history: SlotHistory,
  defaultDailyUse: number,
  settings: PolicySettings,
  now: Date,
): AdaptiveRate {
  const today = utcDay(now);
  const yesterday = addDays(today, -1);
  const none: AdaptiveRate = {
    rate: round6(defaultDailyUse),
    source: 'default',
    windowDays: 0,
    weekdayFactors: null,
    dailyStdDev: 0,
  };
  if (history.trackedSince === null) return none;
  const windowStart = addDays(today, -settings.windowDays);
  // `YYYY-MM-DD` strings sort as the days they name.
  const [first = windowStart] = [history.trackedSince, windowStart].sort().slice(-1);
  if (first > yesterday) return none;

  const byDay = useByDay(history);
  const days: { day: string; use: number; age: number; weekday: number }[] = [];
  for (let day = yesterday, age = 0; day >= first; day = addDays(day, -1), age++) {
    days.push({ day, use: byDay.get(day) ?? 0, age, weekday: weekdayOf(day) });
  }
  const n = days.length;
  const mean = days.reduce((a, d) => a + d.use, 0) / n;

  let factors: number[] | null = null;
  if (n >= settings.weekdayMinDays && mean > 0) {
    // Each weekday's mean, shrunk towards the overall mean by one pseudo-day so that a single odd day
    // does not become a pattern; then normalised to a mean factor of 1.
    const raw = [0, 1, 2, 3, 4, 5, 6].map((weekday) => {
      const of = days.filter((d) => d.weekday === weekday);
      const sum = of.reduce((a, d) => a + d.use, 0);
      return (sum + mean) / (of.length + 1) / mean;
    });
    const avg = raw.reduce((a, f) => a + f, 0) / 7;
    const normalised = raw.map((f) => round6(f / avg));
    // A pattern within +-20 % is noise for a consumer device; trusting it would only slow the rate
    // down (it is then taken over whole weeks).
    if (normalised.some((f) => Math.abs(f - 1) >= WEEKDAY_MIN_EFFECT)) factors = normalised;
  }
  const factorOf = (weekday: number) => (factors ? (factors[weekday] ?? 1) : 1);

  const decay = (age: number) => 0.5 ** (age / settings.halfLifeDays);
  // With a weekly pattern the mean is taken of 7-day means (each holds every weekday once), so the
  // weekday of yesterday does not tilt it; without one, of the days themselves.
  const span = factors === null ? 1 : 7;
  let weighted = 0;
  let weights = 0;
  for (let age = 0; age + span <= n; age++) {
    let sum = 0;
    for (let k = 0; k < span; k++) sum += days[age + k]?.use ?? 0;
    weighted += decay(age) * (sum / span);
    weights += decay(age);
  }
  // The prior fades out linearly over `priorFadeDays`, so an established slot's rate is its own.
  const priorWeight = settings.priorWeightDays * Math.max(0, 1 - n / settings.priorFadeDays);
  const rate = (weighted + priorWeight * defaultDailyUse) / (weights + priorWeight);

  let dailyStdDev = 0;
  if (n >= settings.safetyMinDays && n > 1) {
    const squares = days.reduce((a, d) => a + (d.use - rate * factorOf(d.weekday)) ** 2, 0);
    dailyStdDev = Math.sqrt(squares / (n - 1));
  }
  return {
    rate: round6(rate),
    source: priorWeight > 0 ? 'blended' : 'history',
    windowDays: n,
    weekdayFactors: factors,
    dailyStdDev: round6(dailyStdDev),
  };
}

/**
 * Expected use from `fromMs` over `days` days at `rate`, each day weighted by its weekday factor
 * (a partial first and last day count with the part of them inside the span).
 */
export function projectedUse(rate: number, factors: readonly number[] | null, fromMs: number, days: number): number {
  if (rate <= 0 || days <= 0) return 0;
  if (factors === null) return rate * days;
  const endMs = fromMs + days * DAY_MS;
  let total = 0;
  let cursor = fromMs;
  while (cursor < endMs) {
    const dayEnd = dayStart(utcDay(cursor)) + DAY_MS;
    const sliceEnd = Math.min(dayEnd, endMs);
    total += rate * (factors[new Date(cursor).getUTCDay()] ?? 1) * ((sliceEnd - cursor) / DAY_MS);
    cursor = sliceEnd;
  }
  return total;
}

/**
 * Days until `stock` is used up from `fromMs` at `rate` shaped by the weekday factors; null without
 * use. Walks day by day for up to ten years, then extrapolates linearly (a slot that lasts that long
 * needs no precision).
 */
export function daysUntilEmpty(
  stock: number,
  rate: number,
  factors: readonly number[] | null,
  fromMs: number,
): number | null {
  if (rate <= 0) return null;
  if (stock <= 0) return 0;
  if (factors === null) return stock / rate;
  let left = stock;
  let cursor = fromMs;
  for (let i = 0; i < 3660; i++) {
    const dayEnd = dayStart(utcDay(cursor)) + DAY_MS;
    const perDay = rate * (factors[new Date(cursor).getUTCDay()] ?? 1);
    const sliceDays = (dayEnd - cursor) / DAY_MS;
    const sliceUse = perDay * sliceDays;
    if (perDay > 0 && sliceUse >= left) return (cursor - fromMs) / DAY_MS + left / perDay;
    left -= sliceUse;
    cursor = dayEnd;
  }
  return (cursor - fromMs) / DAY_MS + left / rate;
}
