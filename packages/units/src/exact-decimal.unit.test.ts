import { describe, expect, it } from 'vitest';
import {
  decimalOfNumber,
  divide,
  fractionOfLiteral,
  fractionOfNumber,
  multiply,
  roundToNumber,
} from './exact-decimal.js';

describe('exact decimals', () => {
  it('reads a number as the decimal it prints as', () => {
    expect(decimalOfNumber(0.1)).toEqual({ coefficient: 1n, exponent: -1 });
    expect(decimalOfNumber(103)).toEqual({ coefficient: 103n, exponent: 0 });
    expect(decimalOfNumber(1.5e-7)).toEqual({ coefficient: 15n, exponent: -8 });
    expect(decimalOfNumber(1.25e21)).toEqual({ coefficient: 125n, exponent: 19 });
    expect(decimalOfNumber(-2.5)).toEqual({ coefficient: -25n, exponent: -1 });
  });

  it('refuses NaN and infinities', () => {
    expect(() => decimalOfNumber(Number.NaN)).toThrow(RangeError);
    expect(() => decimalOfNumber(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });

  it('reads a decimal literal exactly', () => {
    expect(fractionOfLiteral('29.5735295625')).toEqual({ numerator: 295735295625n, denominator: 10000000000n });
    expect(fractionOfLiteral('1000')).toEqual({ numerator: 1000n, denominator: 1n });
    expect(() => fractionOfLiteral('1e3')).toThrow(RangeError);
  });

  it('multiplies and divides without loss', () => {
    const threeFlOz = multiply(fractionOfNumber(3), fractionOfLiteral('29.5735295625'));
    expect(roundToNumber(threeFlOz, 10)).toBe(88.7205886875);
    expect(roundToNumber(divide(threeFlOz, fractionOfLiteral('29.5735295625')), 0)).toBe(3);
    expect(() => divide(threeFlOz, fractionOfLiteral('0'))).toThrow(RangeError);
  });

  it('rounds half away from zero to the given decimals', () => {
    expect(roundToNumber({ numerator: 5n, denominator: 10n }, 0)).toBe(1);
    expect(roundToNumber({ numerator: 4n, denominator: 10n }, 0)).toBe(0);
    expect(roundToNumber({ numerator: -15n, denominator: 1000n }, 2)).toBe(-0.02);
    expect(roundToNumber({ numerator: 1n, denominator: 3n }, 6)).toBe(0.333333);
    expect(roundToNumber({ numerator: 2n, denominator: 3n }, 6)).toBe(0.666667);
    expect(Object.is(roundToNumber({ numerator: -1n, denominator: 10n ** 9n }, 6), 0)).toBe(true);
  });
});
