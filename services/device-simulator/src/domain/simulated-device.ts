import type { UnitType } from '@restock/events';

/**
 * What a simulated device knows about itself and says to ingest: the level of each slot, and the
 * reports a use produces. Pure: `applyUse(levels, ...)` returns the new levels and the reports.
 */

/** A slot of the device's model, as the catalog defines it. */
export interface ModelSlotInfo {
  slotId: string;
  unitType: UnitType;
  /** Content of a full refill, canonical unit. */
  capacity: number;
}

/** A report as the device words it, before it gets its event id, sequence and time. */
export type ReportDraft =
  | { slotId: string; type: 'consumed'; quantity: number; unit: string }
  | { slotId: string; type: 'level'; percent: number };

/** Canonical quantity per slot. */
export type SlotLevels = Readonly<Record<string, number>>;

const ML_PER_FL_OZ = 29.5735295625;
const G_PER_OZ = 28.349523125;

/** Words a device uses for counted consumables, by slot id; `count` for the rest. */
const COUNT_WORDS: Readonly<Record<string, string>> = { pods: 'pods', tablets: 'tablets' };

/**
 * The unit a device of `marketplace` reports a slot in, and how many of it make one canonical unit:
 * US devices speak fluid ounces and ounces, the others millilitres and grams (ingest converts any of
 * them exactly).
 */
export function reportingUnit(slot: ModelSlotInfo, marketplace: string): { unit: string; perCanonical: number } {
  const us = marketplace === 'US';
  switch (slot.unitType) {
    case 'volume':
      return us ? { unit: 'fl oz', perCanonical: 1 / ML_PER_FL_OZ } : { unit: 'ml', perCanonical: 1 };
    case 'weight':
      return us ? { unit: 'oz', perCanonical: 1 / G_PER_OZ } : { unit: 'g', perCanonical: 1 };
    case 'count':
      return { unit: COUNT_WORDS[slot.slotId] ?? 'count', perCanonical: 1 };
    case 'percentage':
      return { unit: '%', perCanonical: 1 };
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** The level as a percentage of a full refill, one decimal (what an ink cartridge reports). */
export function percentOf(level: number, capacity: number): number {
  return Math.min(100, Math.max(0, round((level / capacity) * 100, 1)));
}

/** A fresh device's levels: each slot between `min` and 100 % full, from `draw` in [0, 1). */
export function initialLevels(slots: readonly ModelSlotInfo[], draw: () => number, min = 0.15): SlotLevels {
  return Object.fromEntries(slots.map((s) => [s.slotId, round(s.capacity * (min + (1 - min) * draw()), 3)]));
}

export interface UseOutcome {
  levels: SlotLevels;
  reports: ReportDraft[];
  /** Slots the owner refilled (a new cartridge, a refilled tank, a new box) before this use. */
  refilled: string[];
}

/**
 * One use of the device. A slot without enough left for it is refilled first (the owner replaces
 * the cartridge or opens a new box, and the device reports the full level), then the use is taken.
 * Percentage slots (ink) report the level they read; the others report what was used, in the
 * marketplace's unit. Slots the model does not have are ignored.
 */
export function applyUse(
  levels: SlotLevels,
  slots: readonly ModelSlotInfo[],
  taken: readonly { slotId: string; quantity: number }[],
  marketplace: string,
): UseOutcome {
  const next: Record<string, number> = { ...levels };
  const reports: ReportDraft[] = [];
  const refilled: string[] = [];
  for (const { slotId, quantity } of taken) {
    const slot = slots.find((s) => s.slotId === slotId);
    if (slot === undefined) continue;
    const use = Math.min(quantity, slot.capacity);
    let level = next[slotId] ?? 0;
    if (level < use) {
      level = slot.capacity;
      refilled.push(slotId);
      reports.push({ slotId, type: 'level', percent: 100 });
    }
    level = round(level - use, 6);
    next[slotId] = level;
    if (slot.unitType === 'percentage') {
      reports.push({ slotId, type: 'level', percent: percentOf(level, slot.capacity) });
    } else {
      const { unit, perCanonical } = reportingUnit(slot, marketplace);
      reports.push({ slotId, type: 'consumed', quantity: round(use * perCanonical, 3), unit });
    }
  }
  return { levels: next, reports, refilled };
}
