import { DAY_MS, dayStart, roundTo, utcDay } from './calendar.js';

/** Use on one UTC day, in the slot's canonical unit. */
export interface DailyUse {
  day: string;
  quantity: number;
}

export interface BurnRateSettings {
  /** The recent period the rate looks back over. */
  windowDays: number;
  /** A shorter history than this is not trusted: the model's default daily use stands in. */
  minHistoryDays: number;
}

export interface BurnRate {
  /** Canonical unit per day. */
  perDay: number;
  /** Where the rate comes from: the slot's own use, or the model's default before there is enough of it. */
  basis: 'history' | 'default';
  /** Days the rate covers (whole days and the elapsed part of today); 0 for the default. */
  windowDays: number;
}

/**
 * The DRS guide's burn rate: what was used in the recent period divided by the days in it. The period
 * starts at midnight `windowDays` ago, or on the slot's first day of recorded use if that is later (a
 * new device is not diluted by days it did not exist), and ends now, so today counts with the part of
 * it that has passed. With less than `minHistoryDays` of history the model's default daily use is the
 * rate, as the guide prescribes.
 *
 * @param daily the slot's use per day; days outside the period are ignored.
 * @param firstDay the first day the slot recorded any use, or null if it never has.
 */
export function burnRate(
  daily: readonly DailyUse[],
  firstDay: string | null,
  defaultDailyUse: number,
  settings: BurnRateSettings,
  now: Date,
): BurnRate {
  const fallback: BurnRate = { perDay: roundTo(Math.max(0, defaultDailyUse), 6), basis: 'default', windowDays: 0 };
  if (firstDay === null) return fallback;
  const nowMs = now.getTime();
  const startMs = Math.max(dayStart(firstDay), dayStart(utcDay(nowMs - settings.windowDays * DAY_MS)));
  const elapsedDays = (nowMs - startMs) / DAY_MS;
  if (elapsedDays <= 0 || elapsedDays < settings.minHistoryDays) return fallback;
  const from = utcDay(startMs);
  const today = utcDay(nowMs);
  let used = 0;
  for (const d of daily) if (d.day >= from && d.day <= today) used += Math.max(0, d.quantity);
  return { perDay: roundTo(used / elapsedDays, 6), basis: 'history', windowDays: roundTo(elapsedDays, 3) };
}
