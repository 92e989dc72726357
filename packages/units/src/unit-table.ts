import type { CanonicalUnit, UnitType } from './unit-types.js';

/**
 * A unit Restock converts, by its normalized name. `fl oz` is the US fluid ounce and `oz` the
 * avoirdupois ounce; a spelling such as `ounces` becomes one or the other depending on the slot's type.
 */
export type Unit = 'ml' | 'l' | 'fl oz' | 'g' | 'kg' | 'lb' | 'oz' | 'count' | 'percent';

/** One unit: its type, how many canonical units one of it is (an exact decimal), and its spellings. */
export interface UnitDefinition {
  readonly unit: Unit;
  readonly unitType: UnitType;
  readonly canonicalUnit: CanonicalUnit;
  /** Canonical units per one of this unit, as an exact decimal literal (a fixed constant, never computed). */
  readonly canonicalPerUnit: string;
  /**
   * Every spelling accepted for this unit in a slot of `unitType`, as written in the sources. Matching
   * is case-insensitive, ignores surrounding whitespace, treats runs of whitespace and dots as one
   * space (`fl. oz`, `FL  OZ`, `Alexa.Unit.Percent`).
   */
  readonly spellings: readonly string[];
}

/**
 * The unit table: DRS's server-integration guide ("Consumable Types", "Measurement units"), real DRS
 * payloads (`pounds`, `Count`), Restock's spec section 5a, and the unambiguous Alexa-era unit ids.
 *
 * Deliberately absent: gallons, quarts and pints (US and imperial differ by 20 %, and which one a
 * source means cannot be told from the spelling), imperial fluid ounces, and cubic units (no DRS
 * source uses them). An absent spelling is rejected, never guessed.
 */
export const UNIT_DEFINITIONS: readonly UnitDefinition[] = deepFreeze([
  {
    unit: 'ml',
    unitType: 'volume',
    canonicalUnit: 'ml',
    canonicalPerUnit: '1',
    spellings: ['ml', 'milliliter', 'milliliters', 'millilitre', 'millilitres'],
  },
  {
    unit: 'l',
    unitType: 'volume',
    canonicalUnit: 'ml',
    canonicalPerUnit: '1000',
    spellings: ['l', 'L', 'Lt', 'liter', 'liters', 'litre', 'litres', 'Alexa.Unit.Volume.Liters'],
  },
  {
    // US customary fluid ounce: 1/128 US gallon = 231/128 cubic inches = 29.5735295625 ml exactly.
    unit: 'fl oz',
    unitType: 'volume',
    canonicalUnit: 'ml',
    canonicalPerUnit: '29.5735295625',
    spellings: [
      'fl oz',
      'floz',
      'fl ounce',
      'fl ounces',
      'fluid oz',
      'fluid ounce',
      'fluid ounces',
      'oz',
      'ounce',
      'ounces',
    ],
  },
  {
    unit: 'g',
    unitType: 'weight',
    canonicalUnit: 'g',
    canonicalPerUnit: '1',
    spellings: ['g', 'gram', 'grams', 'Alexa.Unit.Mass.Grams'],
  },
  {
    unit: 'kg',
    unitType: 'weight',
    canonicalUnit: 'g',
    canonicalPerUnit: '1000',
    spellings: ['kg', 'kilogram', 'kilograms', 'Alexa.Unit.Mass.Kilograms'],
  },
  {
    // International avoirdupois pound (1959): 0.45359237 kg exactly.
    unit: 'lb',
    unitType: 'weight',
    canonicalUnit: 'g',
    canonicalPerUnit: '453.59237',
    spellings: ['lb', 'lbs', 'pound', 'pounds', 'Alexa.Unit.Weight.Pounds'],
  },
  {
    // Avoirdupois ounce: 1/16 lb = 28.349523125 g exactly.
    unit: 'oz',
    unitType: 'weight',
    canonicalUnit: 'g',
    canonicalPerUnit: '28.349523125',
    spellings: ['oz', 'ounce', 'ounces', 'Alexa.Unit.Weight.Ounces'],
  },
  {
    unit: 'count',
    unitType: 'count',
    canonicalUnit: 'count',
    canonicalPerUnit: '1',
    spellings: ['count', 'Count', 'pod', 'pods', 'sheet', 'sheets', 'tablet', 'tablets', 'unit', 'units'],
  },
  {
    unit: 'percent',
    unitType: 'percentage',
    canonicalUnit: 'percent',
    canonicalPerUnit: '1',
    spellings: ['%', 'percent', 'percentage', 'Alexa.Unit.Percent'],
  },
]);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
