import type { UnitType } from '@restock/events';
import { canonicalUnitOf } from '@restock/units';
import { addDays, utcDay } from './calendar.js';
import { displayFor } from './display.js';
import type { SlotHistory } from './views.js';

/** The first day of a history of `days` days that ends today. */
export function historyStart(now: Date, days: number): string {
  return addDays(utcDay(now), -(days - 1));
}

/**
 * A slot's daily use over the last `days` days up to today, one entry per day (a day without use is 0,
 * so a chart needs no gap filling), in the marketplace's display unit and canonically.
 */
export function slotHistory(
  slot: { slotId: string; name: string; unitType: UnitType; marketplace: string },
  rows: readonly { day: string; quantity: number }[],
  now: Date,
  days: number,
): SlotHistory {
  const display = displayFor(slot.marketplace, slot.unitType);
  const byDay = new Map(rows.map((r) => [r.day, r.quantity]));
  const from = historyStart(now, days);
  const list: SlotHistory['days'] = [];
  for (let i = 0, day = from; i < days; i++, day = addDays(day, 1)) {
    const canonical = Math.max(0, byDay.get(day) ?? 0);
    list.push({ day, quantity: display.of(canonical), canonicalQuantity: canonical });
  }
  return {
    slotId: slot.slotId,
    name: slot.name,
    unit: display.unit,
    canonicalUnit: canonicalUnitOf(slot.unitType),
    from,
    to: utcDay(now),
    days: list,
  };
}
