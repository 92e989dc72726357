/** One day in ms. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day (`YYYY-MM-DD`) an instant falls on: the projector counts daily consumption per UTC day. */
export function utcDay(at: Date | number): string {
  return new Date(typeof at === 'number' ? at : at.getTime()).toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` day, in ms since the epoch. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The day `offset` days after `day` (negative: before). */
export function addDays(day: string, offset: number): string {
  return utcDay(dayStart(day) + offset * DAY_MS);
}

/** Rounds to `decimals` places, read as the decimal it prints as. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
