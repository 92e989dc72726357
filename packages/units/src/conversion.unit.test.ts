import { describe, expect, it } from 'vitest';
import { CANONICAL_DECIMALS, fromCanonical, roundCanonical, toCanonical } from './conversion.js';
import { UnitError, UnitErrorCode } from './unit-error.js';
import { UNIT_DEFINITIONS } from './unit-table.js';
import { canonicalUnitOf, UNIT_TYPES, type UnitType } from './unit-types.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof UnitError ? error.code : `not a UnitError: ${String(error)}`;
  }
  return undefined;
}

describe('toCanonical', () => {
  it('converts the US detergent order of the DRS guide, 103 fl oz, to 3046.073545 ml', () => {
    // 103 * 29.5735295625 = 3046.0735449375 exactly
    expect(toCanonical(103, 'fl oz', 'volume')).toEqual({ quantity: 3046.073545, unit: 'ml' });
  });

  it('converts the UK detergent order of the DRS guide, 5.0 l, to 5000 ml', () => {
    expect(toCanonical(5.0, 'l', 'volume')).toEqual({ quantity: 5000, unit: 'ml' });
  });

  it('converts the pounds of a real DRS payload to grams', () => {
    expect(toCanonical(30.0, 'pounds', 'weight')).toEqual({ quantity: 13607.7711, unit: 'g' });
    expect(toCanonical(1, 'lbs', 'weight')).toEqual({ quantity: 453.59237, unit: 'g' });
  });

  it('keeps a Count of a real DRS payload as a count', () => {
    expect(toCanonical(24.0, 'Count', 'count')).toEqual({ quantity: 24, unit: 'count' });
    expect(toCanonical(12, 'pods', 'count')).toEqual({ quantity: 12, unit: 'count' });
  });

  it('uses the fixed constants: fluid ounce, ounce, pound, litre and kilogram', () => {
    expect(toCanonical(1, 'fl oz', 'volume').quantity).toBe(29.57353);
    expect(toCanonical(1000, 'fl oz', 'volume').quantity).toBe(29573.529563);
    expect(toCanonical(10000, 'fl oz', 'volume').quantity).toBe(295735.295625);
    expect(toCanonical(1000, 'oz', 'weight').quantity).toBe(28349.523125);
    expect(toCanonical(16, 'oz', 'weight').quantity).toBe(453.59237);
    expect(toCanonical(100000, 'lb', 'weight').quantity).toBe(45359237);
    expect(toCanonical(1, 'l', 'volume').quantity).toBe(1000);
    expect(toCanonical(1, 'kg', 'weight').quantity).toBe(1000);
    expect(toCanonical(2.5, 'ml', 'volume').quantity).toBe(2.5);
    expect(toCanonical(2.5, 'g', 'weight').quantity).toBe(2.5);
  });

  it('converts oz to millilitres in a volume slot and to grams in a weight slot', () => {
    expect(toCanonical(10, 'oz', 'volume')).toEqual({ quantity: 295.735296, unit: 'ml' });
    expect(toCanonical(10, 'oz', 'weight')).toEqual({ quantity: 283.495231, unit: 'g' });
    expect(toCanonical(10, 'ounces', 'volume')).toEqual(toCanonical(10, 'fl oz', 'volume'));
  });

  it('gives results free of binary float noise', () => {
    expect(toCanonical(3, 'fl oz', 'volume').quantity).toBe(88.720589);
    expect(String(toCanonical(3, 'fl oz', 'volume').quantity)).toBe('88.720589');
    expect(toCanonical(0.1, 'l', 'volume').quantity).toBe(100);
    expect(toCanonical(1.1, 'kg', 'weight').quantity).toBe(1100);
    expect(toCanonical(0.3, 'lb', 'weight').quantity).toBe(136.077711);
    expect(toCanonical(0.7, 'l', 'volume').quantity).toBe(700);
    expect(toCanonical(0.1 + 0.2, 'ml', 'volume').quantity).toBe(0.3);
  });

  it('rounds to six decimals of the canonical unit, half up', () => {
    expect(CANONICAL_DECIMALS).toBe(6);
    expect(toCanonical(0.0000004, 'ml', 'volume').quantity).toBe(0);
    expect(toCanonical(0.0000005, 'ml', 'volume').quantity).toBe(0.000001);
    expect(toCanonical(1e-7, 'count', 'count').quantity).toBe(0);
    expect(toCanonical(1.2345675, 'g', 'weight').quantity).toBe(1.234568);
  });

  it('converts zero and large quantities written in exponent notation', () => {
    expect(toCanonical(0, 'fl oz', 'volume').quantity).toBe(0);
    expect(Object.is(toCanonical(-0, 'l', 'volume').quantity, 0)).toBe(true);
    expect(toCanonical(1e21, 'l', 'volume').quantity).toBe(1e24);
    expect(toCanonical(2.5e-3, 'kg', 'weight').quantity).toBe(2.5);
  });

  it('answers the canonical unit of the slot for every spelling of the table', () => {
    for (const definition of UNIT_DEFINITIONS) {
      for (const spelling of definition.spellings) {
        const canonical = toCanonical(2, spelling, definition.unitType);
        expect(canonical.unit).toBe(canonicalUnitOf(definition.unitType));
        expect(canonical.quantity).toBe(roundCanonical(2 * Number(definition.canonicalPerUnit)));
      }
    }
  });

  it('accepts percentages above 100 as amounts, since a shipment of two cartridges is 200 percent', () => {
    expect(toCanonical(200, '%', 'percentage')).toEqual({ quantity: 200, unit: 'percent' });
  });

  it('rejects negative, NaN and infinite quantities as bad quantities', () => {
    for (const quantity of [-1, -0.000001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(
        codeOf(() => toCanonical(quantity, 'l', 'volume')),
        String(quantity),
      ).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    }
    expect(() => toCanonical(-1, 'l', 'volume')).toThrow(
      expect.objectContaining({
        status: 400,
        retriable: false,
        details: expect.objectContaining({ unit: 'l', unitType: 'volume', quantity: '-1' }),
      }),
    );
  });

  it('rejects a quantity that overflows once converted', () => {
    expect(codeOf(() => toCanonical(Number.MAX_VALUE, 'l', 'volume'))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
  });

  it('rejects a unit of the wrong type and an unknown unit before looking at the quantity', () => {
    expect(codeOf(() => toCanonical(1, 'kg', 'volume'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => toCanonical(1, 'fl oz', 'weight'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => toCanonical(-1, 'gallons', 'volume'))).toBe(UnitErrorCode.UNIT_UNKNOWN);
  });
});

describe('fromCanonical', () => {
  it('converts millilitres back to the fluid ounces of the US order', () => {
    expect(fromCanonical(3046.073545, 'volume', 'fl oz')).toBe(103);
    expect(fromCanonical(88.720589, 'volume', 'FL OZ')).toBe(3);
  });

  it('converts canonical grams to kilograms, pounds and ounces', () => {
    expect(fromCanonical(1000, 'weight', 'kg')).toBe(1);
    expect(fromCanonical(453.59237, 'weight', 'pounds')).toBe(1);
    expect(fromCanonical(453.59237, 'weight', 'oz')).toBe(16);
    expect(fromCanonical(100, 'weight', 'oz')).toBe(3.527396);
  });

  it('reads oz as fluid ounces for a volume slot', () => {
    expect(fromCanonical(29.5735295625, 'volume', 'oz')).toBe(1);
    expect(fromCanonical(100, 'volume', 'oz')).toBe(3.381402);
  });

  it('rounds to six decimals of the target unit', () => {
    expect(fromCanonical(1, 'volume', 'l')).toBe(0.001);
    expect(fromCanonical(0.0004, 'volume', 'l')).toBe(0);
    expect(fromCanonical(0.0005, 'volume', 'l')).toBe(0.000001);
  });

  it('rejects bad quantities and units like toCanonical', () => {
    expect(codeOf(() => fromCanonical(-5, 'volume', 'l'))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => fromCanonical(Number.NaN, 'volume', 'l'))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => fromCanonical(5, 'volume', 'kg'))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => fromCanonical(5, 'count', 'dozen'))).toBe(UnitErrorCode.UNIT_UNKNOWN);
  });

  it('returns a canonical quantity unchanged when the target is the canonical unit', () => {
    const canonicalSpelling: Record<UnitType, string> = {
      volume: 'ml',
      weight: 'g',
      count: 'count',
      percentage: 'percent',
    };
    for (const unitType of UNIT_TYPES) {
      expect(fromCanonical(12.345678, unitType, canonicalSpelling[unitType])).toBe(12.345678);
    }
  });
});

describe('roundCanonical', () => {
  it('removes the float noise of a sum of canonical quantities', () => {
    expect(roundCanonical(0.1 + 0.2)).toBe(0.3);
    expect(roundCanonical(88.720589 + 88.720589 + 88.720589)).toBe(266.161767);
  });

  it('keeps the sign of a negative delta', () => {
    expect(roundCanonical(0.1 - 0.3)).toBe(-0.2);
  });

  it('rejects NaN and infinities', () => {
    expect(codeOf(() => roundCanonical(Number.NaN))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => roundCanonical(Number.POSITIVE_INFINITY))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
  });
});
