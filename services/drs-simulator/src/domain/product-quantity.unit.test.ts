import { describe, expect, it } from 'vitest';
import { marketplaceQuantity, productUnitType } from './product-quantity.js';

describe('marketplaceQuantity', () => {
  it.each([
    [{ quantity: 3, unit: 'l', unitType: 'volume' }, 'US', { quantity: 101.44, unit: 'fl oz' }],
    [{ quantity: 3, unit: 'l', unitType: 'volume' }, 'UK', { quantity: 3, unit: 'l' }],
    [{ quantity: 103, unit: 'fl oz', unitType: 'volume' }, 'DE', { quantity: 3.05, unit: 'l' }],
    [{ quantity: 2, unit: 'lb', unitType: 'weight' }, 'US', { quantity: 32, unit: 'oz' }],
    [{ quantity: 24, unit: 'pounds', unitType: 'weight' }, 'JP', { quantity: 10.89, unit: 'kg' }],
    [{ quantity: 40, unit: 'pods', unitType: 'count' }, 'US', { quantity: 40, unit: 'count' }],
  ] as const)('writes %o in %s as %o', (size, marketplace, expected) => {
    expect(marketplaceQuantity(size, marketplace)).toEqual(expected);
  });
});

describe('productUnitType', () => {
  it('takes the unit type from an unambiguous unit', () => {
    expect(productUnitType('l', undefined)).toBe('volume');
    expect(productUnitType('kg', undefined)).toBe('weight');
    expect(productUnitType('pods', undefined)).toBe('count');
  });

  it('needs a unit type for oz, and checks the one given', () => {
    expect(() => productUnitType('oz', undefined)).toThrow(/unitType/);
    expect(productUnitType('oz', 'weight')).toBe('weight');
    expect(() => productUnitType('kg', 'volume')).toThrow(expect.objectContaining({ code: 'UNIT_WRONG_TYPE' }));
  });

  it('refuses unknown units and percentages', () => {
    expect(() => productUnitType('gallons', undefined)).toThrow(expect.objectContaining({ code: 'UNIT_UNKNOWN' }));
    expect(() => productUnitType('%', undefined)).toThrow(expect.objectContaining({ code: 'UNIT_WRONG_TYPE' }));
  });
});
