import { describe, expect, it } from 'vitest';
import { canonicalUnitOf, isUnitType, UNIT_TYPES } from './unit-types.js';

describe('unit types', () => {
  it('lists the four unit types of a slot', () => {
    expect(UNIT_TYPES).toEqual(['volume', 'weight', 'count', 'percentage']);
  });

  it('stores volume in ml, weight in g, count in count and percentage in percent', () => {
    expect(UNIT_TYPES.map(canonicalUnitOf)).toEqual(['ml', 'g', 'count', 'percent']);
  });

  it('recognizes only the four unit types', () => {
    expect(UNIT_TYPES.every(isUnitType)).toBe(true);
    for (const value of ['Volume', 'length', 'toString', '', null, undefined, 3]) {
      expect(isUnitType(value), String(value)).toBe(false);
    }
  });
});
