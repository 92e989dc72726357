import type { DeviceModel, ModelSlot, UnitType } from '@restock/events';

export type ModelKind = DeviceModel['kind'];

/** A slot of a template: what a new model of that kind starts with, and its customer-facing name. */
export interface TemplateSlot {
  slotId: string;
  /** The slot's customer-facing name in the first marketplace. */
  displayName: string;
  unitType: UnitType;
  /** Content of a full refill, canonical unit (ml, g, count, percent). */
  capacity: number;
  /** Canonical unit per day, used until a device has history of its own. */
  defaultDailyUse: number;
  optional: boolean;
}

/**
 * The slots a new model of each kind starts with, after the DRS self-service portal's walkthroughs.
 * Capacities and daily uses are typical household figures, meant to be edited before certification:
 * a printer's ink is a percentage (a cartridge reports its level, not millilitres); a washing machine
 * with an auto-dosing tank holds about 1.5 l of detergent and doses about 75 ml a load, a load a day;
 * a dishwasher runs once a day; a coffee machine brews three pods a day.
 */
const TEMPLATES: Readonly<Record<ModelKind, readonly TemplateSlot[]>> = {
  printer: [
    slot('black_ink', 'Black ink', 'percentage', 100, 1.5),
    slot('cyan_ink', 'Cyan ink', 'percentage', 100, 1),
    slot('magenta_ink', 'Magenta ink', 'percentage', 100, 1),
    slot('yellow_ink', 'Yellow ink', 'percentage', 100, 1),
  ],
  washing_machine: [
    slot('detergent', 'Detergent', 'volume', 1500, 75),
    slot('softener', 'Softener', 'volume', 1000, 35),
    slot('bleach', 'Bleach', 'volume', 1000, 20, true),
  ],
  dishwasher: [
    slot('tablets', 'Dishwasher tablets', 'count', 60, 1),
    slot('rinse_aid', 'Rinse aid', 'volume', 500, 4, true),
    slot('salt', 'Dishwasher salt', 'weight', 2000, 30, true),
  ],
  coffee_machine: [
    slot('pods', 'Coffee pods', 'count', 50, 3),
    slot('ground_coffee', 'Ground coffee', 'weight', 500, 30, true),
  ],
  // The portal's generic device: one slot, named "Slot 01", to be customised.
  other: [slot('slot_01', 'Slot 01', 'count', 1, 0)],
};

function slot(
  slotId: string,
  displayName: string,
  unitType: UnitType,
  capacity: number,
  defaultDailyUse: number,
  optional = false,
): TemplateSlot {
  return { slotId, displayName, unitType, capacity, defaultDailyUse, optional };
}

/** The template slots of a kind, in the order the model lists them. */
export function templateSlots(kind: ModelKind): readonly TemplateSlot[] {
  return TEMPLATES[kind];
}

/**
 * The ASIN a new slot lists until the manufacturer's Amazon contact provides the real ones, as the
 * portal adds a placeholder for testing. It is deliberately not a real product, so nothing real can
 * be ordered with it, and certification refuses a model that still lists it.
 */
export const PLACEHOLDER_TEST_ASIN = 'B0TESTASIN';

/** The marketplace every new model starts in, as the portal does. */
export const FIRST_MARKETPLACE = 'US';

/** A customer-facing name for a slot id nobody named yet: `rinse_aid` becomes "Rinse aid". */
export function humanizeSlotId(slotId: string): string {
  const words = slotId.replace(/_+/g, ' ').trim();
  return words.length === 0 ? slotId : words.charAt(0).toUpperCase() + words.slice(1);
}

/** A template slot as the model stores it, with the replenishment id the caller assigned. */
export function toModelSlot(template: TemplateSlot, replenishmentId: string): ModelSlot {
  return {
    slotId: template.slotId,
    unitType: template.unitType,
    capacity: template.capacity,
    defaultDailyUse: template.defaultDailyUse,
    replenishmentId,
    optional: template.optional,
  };
}
