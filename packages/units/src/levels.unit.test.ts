import { describe, expect, it } from 'vitest';
import { levelFromPercent, levelToCanonical } from './levels.js';
import { UnitError, UnitErrorCode } from './unit-error.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof UnitError ? error.code : `not a UnitError: ${String(error)}`;
  }
  return undefined;
}

describe('levelFromPercent', () => {
  it('turns a percent level into the same share of the capacity', () => {
    expect(levelFromPercent(25, 3000)).toBe(750);
    expect(levelFromPercent(100, 3046.073545)).toBe(3046.073545);
    expect(levelFromPercent(0, 500)).toBe(0);
    expect(levelFromPercent(33.3, 20)).toBe(6.66);
  });

  it('gives results free of float noise, rounded to six decimals', () => {
    expect(levelFromPercent(7, 0.1)).toBe(0.007);
    expect(levelFromPercent(1 / 3, 1000)).toBe(3.333333);
  });

  it('rejects a percent below 0, above 100, NaN or infinite', () => {
    for (const percent of [-0.1, 100.000001, 150, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        codeOf(() => levelFromPercent(percent, 1000)),
        String(percent),
      ).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    }
  });

  it('rejects a capacity that is not a finite number above 0', () => {
    for (const capacity of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        codeOf(() => levelFromPercent(50, capacity)),
        String(capacity),
      ).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    }
  });
});

describe('levelToCanonical', () => {
  const detergent = { unitType: 'volume', capacity: 3000 } as const;
  const ink = { unitType: 'percentage', capacity: 100 } as const;
  const pods = { unitType: 'count', capacity: 20 } as const;

  it('converts a level in the unit of the slot like toCanonical', () => {
    expect(levelToCanonical(1.5, 'litres', detergent)).toEqual({ quantity: 1500, unit: 'ml' });
    expect(levelToCanonical(7, 'pods', pods)).toEqual({ quantity: 7, unit: 'count' });
  });

  it('converts a level in percent on a volume or count slot through the capacity', () => {
    expect(levelToCanonical(40, '%', detergent)).toEqual({ quantity: 1200, unit: 'ml' });
    expect(levelToCanonical(50, 'percent', pods)).toEqual({ quantity: 10, unit: 'count' });
  });

  it('keeps a percent level on a percentage slot', () => {
    expect(levelToCanonical(42.5, '%', ink)).toEqual({ quantity: 42.5, unit: 'percent' });
    expect(levelToCanonical(100, 'Percentage', ink)).toEqual({ quantity: 100, unit: 'percent' });
  });

  it('rejects a percent level above 100 on any slot', () => {
    expect(codeOf(() => levelToCanonical(101, '%', ink))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => levelToCanonical(101, '%', detergent))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
  });

  it('rejects a level in a unit of another type than the slot and in an unknown unit', () => {
    expect(codeOf(() => levelToCanonical(1, 'kg', detergent))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => levelToCanonical(1, 'pods', ink))).toBe(UnitErrorCode.UNIT_WRONG_TYPE);
    expect(codeOf(() => levelToCanonical(1, 'cups', detergent))).toBe(UnitErrorCode.UNIT_UNKNOWN);
  });

  it('rejects a negative or NaN level', () => {
    expect(codeOf(() => levelToCanonical(-1, 'l', detergent))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => levelToCanonical(Number.NaN, '%', ink))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
    expect(codeOf(() => levelToCanonical(-5, '%', detergent))).toBe(UnitErrorCode.UNIT_BAD_QUANTITY);
  });
});
