import { describe, expect, it } from 'vitest';
import { fromCanonical } from './conversion.js';
import { displayUnitFor } from './display-units.js';
import { UnitErrorCode } from './unit-error.js';
import { UNIT_TYPES, type UnitType } from './unit-types.js';

describe('displayUnitFor', () => {
  it('shows fl oz for volume and oz for weight in the US', () => {
    expect(displayUnitFor('US', 'volume')).toBe('fl oz');
    expect(displayUnitFor('US', 'weight')).toBe('oz');
    expect(displayUnitFor('US', 'count')).toBe('count');
    expect(displayUnitFor('US', 'percentage')).toBe('%');
  });

  for (const marketplace of ['UK', 'DE', 'FR', 'IT', 'ES', 'JP', 'CA', 'BR']) {
    it(`shows l for volume and kg for weight in ${marketplace}`, () => {
      expect(displayUnitFor(marketplace, 'volume')).toBe('l');
      expect(displayUnitFor(marketplace, 'weight')).toBe('kg');
      expect(displayUnitFor(marketplace, 'count')).toBe('count');
      expect(displayUnitFor(marketplace, 'percentage')).toBe('%');
    });
  }

  it('matches the marketplace code case-insensitively', () => {
    expect(displayUnitFor('us', 'volume')).toBe('fl oz');
    expect(displayUnitFor(' Us ', 'weight')).toBe('oz');
  });

  it('answers only units that fromCanonical accepts for the same unit type', () => {
    for (const marketplace of ['US', 'UK']) {
      for (const unitType of UNIT_TYPES) {
        expect(() => fromCanonical(1, unitType, displayUnitFor(marketplace, unitType))).not.toThrow();
      }
    }
    expect(fromCanonical(3046.073545, 'volume', displayUnitFor('US', 'volume'))).toBe(103);
    expect(fromCanonical(5000, 'volume', displayUnitFor('UK', 'volume'))).toBe(5);
  });

  it('rejects an unknown unit type', () => {
    expect(() => displayUnitFor('US', 'length' as UnitType)).toThrow(
      expect.objectContaining({ code: UnitErrorCode.UNIT_TYPE_UNKNOWN }),
    );
  });
});
