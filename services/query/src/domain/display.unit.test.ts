import { fromCanonical } from '@restock/units';
import { describe, expect, it } from 'vitest';
import { displayFor } from './display.js';

describe('displayFor', () => {
  it('shows volume in fluid ounces and weight in ounces in the US', () => {
    expect(displayFor('US', 'volume').unit).toBe('fl oz');
    expect(displayFor('US', 'volume').of(29.5735295625)).toBe(1);
    expect(displayFor('US', 'weight').unit).toBe('oz');
    expect(displayFor('US', 'weight').of(28.349523125)).toBe(1);
  });

  it('shows litres and kilograms elsewhere, counts and percent everywhere', () => {
    expect([displayFor('DE', 'volume').unit, displayFor('DE', 'volume').of(1500)]).toEqual(['l', 1.5]);
    expect([displayFor('UK', 'weight').unit, displayFor('UK', 'weight').of(250)]).toEqual(['kg', 0.25]);
    expect([displayFor('US', 'count').unit, displayFor('US', 'count').of(12)]).toEqual(['count', 12]);
    expect([displayFor('JP', 'percentage').unit, displayFor('JP', 'percentage').of(37.5)]).toEqual(['%', 37.5]);
  });

  it('converts exactly, as packages/units does, and passes an unknown quantity through as null', () => {
    expect(displayFor('US', 'volume').of(1200)).toBe(fromCanonical(1200, 'volume', 'fl oz'));
    expect(displayFor('US', 'volume').ofNullable(null)).toBeNull();
  });
});
