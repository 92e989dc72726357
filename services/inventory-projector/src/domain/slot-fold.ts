/**
 * The level side of a slot as a pure fold over its facts. Facts are applied in one canonical order
 * (time, then kind, then the device's sequence, then id), so the same set of facts gives the same
 * state whatever order they arrived in (ARCHITECTURE principle 3): the projector applies a fact
 * incrementally when it sorts after everything already applied, and re-folds the slot otherwise.
 */

export type FactKind = 'setLevel' | 'level' | 'consumed' | 'addSpare' | 'arrived';

/** Equal times are broken by kind: a correction first, then readings, use, and stock coming in. */
const KIND_RANK: Record<FactKind, number> = { setLevel: 0, level: 1, consumed: 2, addSpare: 3, arrived: 4 };

export interface SlotFact {
  eventId: string;
  kind: FactKind;
  /** ms since epoch. */
  occurredAt: number;
  /** The device's sequence for device facts; 0 otherwise. */
  sequence: number;
  /** Canonical unit. */
  quantity: number;
}

export interface SlotLevels {
  level: number;
  spareStock: number;
  /** Use reported beyond an empty slot: recorded, never hidden. */
  overdraw: number;
  /** ms since epoch, or null. */
  lastUseAt: number | null;
  /** Highest device sequence of an applied level reading; -1 before any. */
  lastReadingSequence: number;
  /** Consumption per UTC day (`YYYY-MM-DD`), canonical unit. */
  daily: Map<string, number>;
}

export function compareFacts(a: SlotFact, b: SlotFact): number {
  return (
    a.occurredAt - b.occurredAt ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    a.sequence - b.sequence ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

/** A new slot starts full: devices ship with a starter fill until a reading says otherwise. */
export function initialLevels(capacity: number): SlotLevels {
  return { level: capacity, spareStock: 0, overdraw: 0, lastUseAt: null, lastReadingSequence: -1, daily: new Map() };
}

// Quantities are rounded to the canonical precision of @restock/units (1e-6) after every step, so
// long sums do not drift and a re-fold equals the incremental result to the last digit.
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addDaily(daily: Map<string, number>, at: number, quantity: number): void {
  const day = utcDay(at);
  daily.set(day, round((daily.get(day) ?? 0) + quantity));
}

/** Applies one fact; mutates and returns `state`. */
export function applyFact(state: SlotLevels, fact: SlotFact): SlotLevels {
  switch (fact.kind) {
    case 'consumed': {
      const after = round(state.level - fact.quantity);
      if (after < 0) {
        state.overdraw = round(state.overdraw - after);
        state.level = 0;
      } else {
        state.level = after;
      }
      addDaily(state.daily, fact.occurredAt, fact.quantity);
      state.lastUseAt = state.lastUseAt === null ? fact.occurredAt : Math.max(state.lastUseAt, fact.occurredAt);
      return state;
    }
    case 'level': {
      // A late or repeated reading never wins over a newer one (by the device's own sequence).
      if (fact.sequence <= state.lastReadingSequence) return state;
      state.lastReadingSequence = fact.sequence;
      const change = round(fact.quantity - state.level);
      if (change < 0) {
        // A falling reading is use, so percentage slots (ink) get a burn rate from readings alone.
        addDaily(state.daily, fact.occurredAt, -change);
        state.lastUseAt = state.lastUseAt === null ? fact.occurredAt : Math.max(state.lastUseAt, fact.occurredAt);
      } else if (change > 0) {
        // A rising reading is a refill, taken from the spare stock on the shelf as far as it goes.
        state.spareStock = round(state.spareStock - Math.min(state.spareStock, change));
      }
      state.level = round(fact.quantity);
      return state;
    }
    case 'setLevel':
      state.level = round(fact.quantity);
      return state;
    case 'addSpare':
    case 'arrived':
      state.spareStock = round(state.spareStock + fact.quantity);
      return state;
  }
}

/** Folds facts in canonical order from a fresh slot. */
export function foldFacts(facts: readonly SlotFact[], capacity: number): SlotLevels {
  const state = initialLevels(capacity);
  for (const fact of [...facts].sort(compareFacts)) applyFact(state, fact);
  return state;
}
