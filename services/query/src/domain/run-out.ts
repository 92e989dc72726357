import { DAY_MS, roundTo, utcDay } from './calendar.js';

export interface RunOut {
  /** Days until the stock on hand is used up at the burn rate; null when nothing is being used. */
  daysLeft: number | null;
  /** The UTC day it runs out (`YYYY-MM-DD`); null when nothing is being used. */
  runOutDate: string | null;
}

/**
 * When a slot runs out: the stock on hand (level, spare stock and shipments on the way, as the
 * reorder policy counts it) divided by the burn rate, from now.
 */
export function runOut(stockOnHand: number, perDay: number, now: Date): RunOut {
  if (!(perDay > 0)) return { daysLeft: null, runOutDate: null };
  const days = Math.max(0, stockOnHand) / perDay;
  return { daysLeft: roundTo(days, 2), runOutDate: utcDay(now.getTime() + days * DAY_MS) };
}
