import { RestockError } from '@restock/errors';
import { describe, expect, it } from 'vitest';
import { normalizeSpelling, parseUnit, unitTypeOf } from './parse-unit.js';
import { UnitError, UnitErrorCode } from './unit-error.js';
import { UNIT_DEFINITIONS, type Unit } from './unit-table.js';
import { UNIT_TYPES, type UnitType } from './unit-types.js';

/** Every spelling of the spec (5a), the DRS guide and the brief, with what it means per unit type. */
const EXPECTED: Record<string, Partial<Record<UnitType, Unit>>> = {
  liters: { volume: 'l' },
  liter: { volume: 'l' },
  litre: { volume: 'l' },
  litres: { volume: 'l' },
  l: { volume: 'l' },
  L: { volume: 'l' },
  Lt: { volume: 'l' },
  ml: { volume: 'ml' },
  milliliter: { volume: 'ml' },
  milliliters: { volume: 'ml' },
  millilitre: { volume: 'ml' },
  millilitres: { volume: 'ml' },
  'fl oz': { volume: 'fl oz' },
  'Fl oz': { volume: 'fl oz' },
  'FL OZ': { volume: 'fl oz' },
  'fl. oz': { volume: 'fl oz' },
  'fl.oz': { volume: 'fl oz' },
  floz: { volume: 'fl oz' },
  'fl ounce': { volume: 'fl oz' },
  'fl ounces': { volume: 'fl oz' },
  'fluid oz': { volume: 'fl oz' },
  'fluid ounce': { volume: 'fl oz' },
  'fluid ounces': { volume: 'fl oz' },
  ounce: { volume: 'fl oz', weight: 'oz' },
  ounces: { volume: 'fl oz', weight: 'oz' },
  oz: { volume: 'fl oz', weight: 'oz' },
  Oz: { volume: 'fl oz', weight: 'oz' },
  kg: { weight: 'kg' },
  Kg: { weight: 'kg' },
  kilogram: { weight: 'kg' },
  kilograms: { weight: 'kg' },
  g: { weight: 'g' },
  gram: { weight: 'g' },
  grams: { weight: 'g' },
  lb: { weight: 'lb' },
  lbs: { weight: 'lb' },
  Lbs: { weight: 'lb' },
  pound: { weight: 'lb' },
  pounds: { weight: 'lb' },
  count: { count: 'count' },
  Count: { count: 'count' },
  pod: { count: 'count' },
  pods: { count: 'count' },
  sheet: { count: 'count' },
  sheets: { count: 'count' },
  tablet: { count: 'count' },
  tablets: { count: 'count' },
  unit: { count: 'count' },
  units: { count: 'count' },
  '%': { percentage: 'percent' },
  percent: { percentage: 'percent' },
  percentage: { percentage: 'percent' },
  'Alexa.Unit.Volume.Liters': { volume: 'l' },
  'Alexa.Unit.Mass.Grams': { weight: 'g' },
  'Alexa.Unit.Mass.Kilograms': { weight: 'kg' },
  'Alexa.Unit.Weight.Ounces': { weight: 'oz' },
  'Alexa.Unit.Weight.Pounds': { weight: 'lb' },
  'Alexa.Unit.Percent': { percentage: 'percent' },
};

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof UnitError ? error.code : `not a UnitError: ${String(error)}`;
  }
  return undefined;
}

describe('parseUnit', () => {
  for (const [spelling, meanings] of Object.entries(EXPECTED)) {
    for (const unitType of UNIT_TYPES) {
      const unit = meanings[unitType];
      if (unit !== undefined) {
        it(`reads "${spelling}" in a ${unitType} slot as ${unit}`, () => {
          expect(parseUnit(spelling, unitType)).toBe(unit);
        });
      } else {
        it(`rejects "${spelling}" in a ${unitType} slot as a unit of the wrong type`, () => {
          expect(codeOf(() => parseUnit(spelling, unitType))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
        });
      }
    }
  }

  it('accepts every spelling of the table in its own unit type, in any case and with padding', () => {
    for (const definition of UNIT_DEFINITIONS) {
      for (const spelling of definition.spellings) {
        for (const variant of [spelling, spelling.toUpperCase(), spelling.toLowerCase(), `  ${spelling}\t`]) {
          expect(parseUnit(variant, definition.unitType), `${variant} as ${definition.unitType}`).toBe(definition.unit);
        }
      }
    }
  });

  it('knows every spelling the expectations list, and the expectations list every spelling of the table', () => {
    const tableSpellings = new Set(UNIT_DEFINITIONS.flatMap((d) => d.spellings.map(normalizeSpelling)));
    const expectedSpellings = new Set(Object.keys(EXPECTED).map(normalizeSpelling));
    expect([...tableSpellings].sort()).toEqual([...expectedSpellings].sort());
  });

  it('tolerates inner whitespace and dots in a multi-word spelling', () => {
    for (const spelling of ['fl  oz', ' fl\toz ', 'fl. oz.', 'FL.OZ', 'fluid\u00a0ounces', 'Fl Oz']) {
      expect(parseUnit(spelling, 'volume'), spelling).toBe('fl oz');
    }
  });

  it('reads oz as a US fluid ounce in a volume slot and an avoirdupois ounce in a weight slot', () => {
    expect(parseUnit('oz', 'volume')).toBe('fl oz');
    expect(parseUnit('oz', 'weight')).toBe('oz');
  });

  it('rejects fl oz in a weight slot, kg in a volume slot and pods in a volume slot', () => {
    expect(codeOf(() => parseUnit('fl oz', 'weight'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => parseUnit('kg', 'volume'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => parseUnit('pods', 'volume'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => parseUnit('%', 'count'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => parseUnit('count', 'percentage'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
  });

  it('rejects unknown and ambiguous spellings instead of guessing', () => {
    for (const spelling of [
      '',
      '   ',
      'gallon',
      'gallons',
      'quart',
      'pint',
      'cup',
      'm3',
      'mg',
      'tonne',
      'stone',
      'fl',
      'fl oz oz',
      'oz.fl',
      'litersss',
      'pcs',
      'Alexa.Unit.Volume.Gallons',
      'per cent',
    ]) {
      for (const unitType of UNIT_TYPES) {
        expect(
          codeOf(() => parseUnit(spelling, unitType)),
          `${spelling} as ${unitType}`,
        ).toBe(UnitErrorCode.UNIT_UNKNOWN);
      }
    }
  });

  it('throws a not retriable RestockError with status 400 naming the unit and the unit type', () => {
    let thrown: unknown;
    try {
      parseUnit('kg', 'volume');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RestockError);
    expect(thrown).toMatchObject({
      code: 'UNIT_WRONG_TYPE',
      retriable: false,
      status: 400,
      details: { unit: 'kg', unitType: 'volume' },
    });
    expect(() => parseUnit('furlongs', 'weight')).toThrow(
      expect.objectContaining({ code: 'UNIT_UNKNOWN', status: 400, details: { unit: 'furlongs', unitType: 'weight' } }),
    );
  });

  it('rejects a unit type that is not one of the four', () => {
    expect(codeOf(() => parseUnit('l', 'length' as UnitType))).toBe(UnitErrorCode.UNIT_TYPE_UNKNOWN);
    expect(codeOf(() => parseUnit('l', 'toString' as UnitType))).toBe(UnitErrorCode.UNIT_TYPE_UNKNOWN);
  });
});

describe('unitTypeOf', () => {
  it('tells every unit type a known spelling can belong to', () => {
    for (const [spelling, meanings] of Object.entries(EXPECTED)) {
      expect(unitTypeOf(spelling), spelling).toEqual(UNIT_TYPES.filter((t) => meanings[t] !== undefined));
    }
  });

  it('says oz and ounces belong to volume and weight', () => {
    expect(unitTypeOf('oz')).toEqual(['volume', 'weight']);
    expect(unitTypeOf(' OUNCES ')).toEqual(['volume', 'weight']);
  });

  it('answers an empty list for an unknown spelling instead of throwing', () => {
    expect(unitTypeOf('gallons')).toEqual([]);
    expect(unitTypeOf('')).toEqual([]);
    expect(unitTypeOf('constructor')).toEqual([]);
  });
});

describe('normalizeSpelling', () => {
  it('lowers the case, turns dots and whitespace runs into one space and trims', () => {
    expect(normalizeSpelling(' FL.  Oz ')).toBe('fl oz');
    expect(normalizeSpelling('Alexa.Unit.Percent')).toBe('alexa unit percent');
    expect(normalizeSpelling('%')).toBe('%');
  });
});
