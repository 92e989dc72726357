import type { ModelSlot, UnitType } from '@restock/events';
import { invalidField } from './catalog-error.js';

/** A slot as an operator writes it: the replenishment id may wait until Amazon assigns it. */
export interface SlotInput {
  slotId: string;
  unitType: UnitType;
  capacity: number;
  defaultDailyUse: number;
  replenishmentId?: string | undefined;
  optional: boolean;
}

/** The schema's limit on slots per model (`DeviceModel.slots` in `@restock/events`). */
export const MAX_SLOTS = 32;

// Upper bounds that no household device comes near, so a typo of a few orders of magnitude (litres
// entered as millilitres twice over) is caught; percentage slots are full at exactly 100.
const MAX_CAPACITY: Readonly<Record<Exclude<UnitType, 'percentage'>, number>> = {
  volume: 100_000, // ml: 100 l
  weight: 100_000, // g: 100 kg
  count: 10_000,
};

/**
 * Checks one slot's numbers against its unit type. `at` is the slot's JSON pointer in the request
 * (`/body/slots/2`), so the answer names the field at fault.
 */
export function assertSaneSlot(slot: SlotInput, at: string): void {
  if (!Number.isFinite(slot.capacity) || slot.capacity <= 0) {
    throw invalidField(`${at}/capacity`, 'must be a positive number');
  }
  if (slot.unitType === 'percentage') {
    if (slot.capacity !== 100) {
      throw invalidField(`${at}/capacity`, 'a percentage slot is full at 100 (percent), so its capacity must be 100');
    }
  } else {
    const max = MAX_CAPACITY[slot.unitType];
    if (slot.capacity > max) {
      throw invalidField(`${at}/capacity`, `must be at most ${max} ${canonicalUnitName(slot.unitType)}`);
    }
    if (slot.unitType === 'count' && !Number.isInteger(slot.capacity)) {
      throw invalidField(`${at}/capacity`, 'a count slot holds a whole number of items');
    }
  }
  if (!Number.isFinite(slot.defaultDailyUse) || slot.defaultDailyUse < 0) {
    throw invalidField(`${at}/defaultDailyUse`, 'must be zero or a positive number');
  }
  if (slot.defaultDailyUse > slot.capacity) {
    throw invalidField(
      `${at}/defaultDailyUse`,
      `must not exceed the capacity (${slot.capacity}): a refill lasts a day at least`,
    );
  }
}

/** Checks a whole slot list: 1 to {@link MAX_SLOTS} sane slots with unique ids. `at` points at the list. */
export function assertSaneSlots(slots: readonly SlotInput[], at: string): void {
  if (slots.length === 0) throw invalidField(at, 'a model has at least one slot');
  if (slots.length > MAX_SLOTS) throw invalidField(at, `a model has at most ${MAX_SLOTS} slots`);
  const seen = new Set<string>();
  slots.forEach((slot, index) => {
    if (seen.has(slot.slotId)) {
      throw invalidField(`${at}/${index}/slotId`, `slot id ${slot.slotId} appears more than once`);
    }
    seen.add(slot.slotId);
    assertSaneSlot(slot, `${at}/${index}`);
  });
}

/**
 * The stored slot. Amazon assigns a slot's replenishment id when the manufacturer requests it, well
 * after the slot is defined; until the operator enters it, the slot keeps the one it had, or gets a
 * fresh UUID (the shape DRS uses) so test devices and the simulator can already work with it.
 */
export function completeSlot(
  slot: SlotInput,
  kept: ModelSlot | undefined,
  newReplenishmentId: () => string,
): ModelSlot {
  return {
    slotId: slot.slotId,
    unitType: slot.unitType,
    capacity: slot.capacity,
    defaultDailyUse: slot.defaultDailyUse,
    replenishmentId: slot.replenishmentId ?? kept?.replenishmentId ?? newReplenishmentId(),
    optional: slot.optional,
  };
}

/** Two slots of one model never share a replenishment id: DRS would not know which one a call means. */
export function assertUniqueReplenishmentIds(slots: readonly ModelSlot[], at: string): void {
  const seen = new Map<string, number>();
  slots.forEach((slot, index) => {
    const first = seen.get(slot.replenishmentId);
    if (first !== undefined) {
      throw invalidField(
        `${at}/${index}/replenishmentId`,
        `replenishment id ${slot.replenishmentId} is already used by slot ${slots[first]?.slotId}`,
      );
    }
    seen.set(slot.replenishmentId, index);
  });
}

function canonicalUnitName(unitType: Exclude<UnitType, 'percentage'>): string {
  return unitType === 'volume' ? 'ml' : unitType === 'weight' ? 'g' : 'items';
}
