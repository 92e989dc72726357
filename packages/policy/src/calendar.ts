/** One day in ms. */
export const DAY_MS = 24 * 60 * 60 * 1000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (`YYYY-MM-DD`) an instant falls on. */
export function utcDay(at: Date | number): string {
  return new Date(typeof at === 'number' ? at : at.getTime()).toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` day, in ms since the epoch. */
export function dayStart(day: string): number {
  if (!DAY_PATTERN.test(day)) throw new RangeError(`not a UTC day (YYYY-MM-DD): ${day}`);
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a UTC day (YYYY-MM-DD): ${day}`);
  return ms;
}

/** The day `offset` days after `day` (negative: before). */
export function addDays(day: string, offset: number): string {
  return utcDay(dayStart(day) + offset * DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday, of a UTC day. */
export function weekdayOf(day: string): number {
  return new Date(dayStart(day)).getUTCDay();
}

/** Rounds to the canonical precision of @restock/units (1e-6), so sums and thresholds print cleanly. */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
