import { divide, fractionOfLiteral, fractionOfNumber, multiply, roundToNumber } from './exact-decimal.js';
import { unitDefinitionOf } from './parse-unit.js';
import { assertQuantity } from './quantity-check.js';
import { UnitError, UnitErrorCode } from './unit-error.js';
import type { CanonicalUnit, UnitType } from './unit-types.js';

/**
 * Precision of every converted quantity: 6 decimal places of the unit it is expressed in, i.e.
 * 0.000001 ml, 0.000001 g, a millionth of a count or percent for canonical values, and a millionth
 * of the target unit from {@link fromCanonical}.
 *
 * Why 6: a micro-litre of detergent or a micro-gram of coffee is far below anything a sensor reports,
 * and up to 10^9 canonical units (1000 m3, 1 t) six decimals stay within the 15 significant digits a
 * double always carries exactly, so a canonical value prints as the decimal it was rounded to.
 * Every factor is >= 1 canonical unit per unit, so the rounding error of a canonical value, divided
 * back by the factor, is under half a millionth of the original unit: converting a quantity of at
 * most 6 decimals to canonical and back gives the same number, bit for bit.
 */
export const CANONICAL_DECIMALS = 6;

/** A quantity in the canonical unit of its slot's unit type. */
export interface CanonicalQuantity {
  quantity: number;
  unit: CanonicalUnit;
}

/**
 * `quantity` in `spelling`, converted exactly to the canonical unit of `unitType` and rounded to
 * {@link CANONICAL_DECIMALS} places: `toCanonical(3, 'fl oz', 'volume')` is
 * `{ quantity: 88.720589, unit: 'ml' }`, `toCanonical(5.0, 'l', 'volume')` is `{ quantity: 5000, unit: 'ml' }`.
 *
 * Any amount is accepted (levels, deltas, shipped quantities, capacities), so no upper bound applies
 * here, not even 100 for percent: two toner cartridges shipped are 200 percent. The 0..100 bound of a
 * level lives in {@link levelToCanonical} and {@link levelFromPercent}.
 *
 * @throws UnitError `UNIT_UNKNOWN` / `UNIT_WRONG_TYPE` / `UNIT_TYPE_UNKNOWN` for the unit (see
 *   `parseUnit`), `UNIT_BAD_QUANTITY` for a negative, NaN or infinite quantity or one too large for a
 *   number once converted.
 */
export function toCanonical(quantity: number, spelling: string, unitType: UnitType): CanonicalQuantity {
  const definition = unitDefinitionOf(spelling, unitType);
  const context = { unit: spelling, unitType };
  assertQuantity(quantity, context);
  const exact = multiply(fractionOfNumber(quantity), fractionOfLiteral(definition.canonicalPerUnit));
  return {
    quantity: finite(roundToNumber(exact, CANONICAL_DECIMALS), quantity, context),
    unit: definition.canonicalUnit,
  };
}

/**
 * `quantity` in the canonical unit of `unitType`, converted exactly to the unit `targetSpelling` means
 * in that type and rounded to {@link CANONICAL_DECIMALS} places of it:
 * `fromCanonical(88.720589, 'volume', 'fl oz')` is `3`, `fromCanonical(1000, 'weight', 'kg')` is `1`.
 *
 * @throws UnitError like {@link toCanonical}.
 */
export function fromCanonical(quantity: number, unitType: UnitType, targetSpelling: string): number {
  const definition = unitDefinitionOf(targetSpelling, unitType);
  const context = { unit: targetSpelling, unitType };
  assertQuantity(quantity, context);
  const exact = divide(fractionOfNumber(quantity), fractionOfLiteral(definition.canonicalPerUnit));
  return finite(roundToNumber(exact, CANONICAL_DECIMALS), quantity, context);
}

/**
 * `value` rounded to {@link CANONICAL_DECIMALS} places, read as the decimal it prints as. Use it after
 * adding or subtracting canonical quantities, so sums stay as clean as the conversions:
 * `roundCanonical(0.1 + 0.2)` is `0.3`. Accepts negative values (a delta), not NaN or infinities.
 *
 * @throws UnitError `UNIT_BAD_QUANTITY` for NaN or an infinite value.
 */
export function roundCanonical(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UnitError(UnitErrorCode.UNIT_BAD_QUANTITY, `quantity ${String(value)} is not finite`, {
      quantity: String(value),
      problem: 'is not finite',
    });
  }
  return roundToNumber(fractionOfNumber(value), CANONICAL_DECIMALS);
}

function finite(result: number, quantity: number, context: Record<string, unknown>): number {
  if (Number.isFinite(result)) return result;
  throw new UnitError(UnitErrorCode.UNIT_BAD_QUANTITY, `quantity ${String(quantity)} is too large to convert`, {
    ...context,
    quantity: String(quantity),
    problem: 'is too large',
  });
}
