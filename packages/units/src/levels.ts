import { CANONICAL_DECIMALS, type CanonicalQuantity, toCanonical } from './conversion.js';
import { divide, fractionOfNumber, multiply, roundToNumber } from './exact-decimal.js';
import { assertUnitType, unitTypeOf } from './parse-unit.js';
import { assertQuantity } from './quantity-check.js';
import { UnitError, UnitErrorCode } from './unit-error.js';
import { canonicalUnitOf, type UnitType } from './unit-types.js';

/*
 * Where the 0..100 bound of a percentage lives: here, with levels, and not in `toCanonical`. A level
 * is a share of one full refill, so it cannot exceed 100 percent; `toCanonical` also converts amounts
 * that legitimately do (a shipment of two cartridges is 200 percent, a month's use of a filter may be
 * more than one filter), and a bound there would reject them.
 */

const HUNDRED = { numerator: 100n, denominator: 1n };

/** The part of a slot a level conversion needs; a `ModelSlot` from `@restock/events` fits. */
export interface SlotUnits {
  unitType: UnitType;
  /** Content of a full refill, in the canonical unit of `unitType`. */
  capacity: number;
}

/**
 * The level, in the slot's canonical unit, of a slot reported as `percent` full:
 * `percent / 100 * capacity`, exact, rounded to {@link CANONICAL_DECIMALS} places. For a device that
 * reports a volume, weight or count slot in percent (`levelFromPercent(25, 3000)` is `750` ml).
 *
 * @param percent 0..100.
 * @param capacity the slot's full refill in its canonical unit, finite and > 0.
 * @throws UnitError `UNIT_BAD_QUANTITY` for a percent outside 0..100, NaN or infinite, or a capacity
 *   that is not a finite number > 0.
 */
export function levelFromPercent(percent: number, capacity: number): number {
  assertPercentLevel(percent);
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity <= 0) {
    throw new UnitError(UnitErrorCode.UNIT_BAD_QUANTITY, `capacity ${String(capacity)} is not a number > 0`, {
      capacity: String(capacity),
      problem: 'capacity is not a finite number > 0',
    });
  }
  const exact = divide(multiply(fractionOfNumber(percent), fractionOfNumber(capacity)), HUNDRED);
  return roundToNumber(exact, CANONICAL_DECIMALS);
}

/**
 * A level (what is left in a slot) as a device or DRS reported it, in the slot's canonical unit.
 * A level in percent on a volume, weight or count slot goes through {@link levelFromPercent} with the
 * slot's capacity; any other unit through `toCanonical`. A level in percent, on any slot, must be
 * within 0..100.
 *
 * @throws UnitError like `toCanonical`, and `UNIT_BAD_QUANTITY` for a percent level above 100.
 */
export function levelToCanonical(quantity: number, spelling: string, slot: SlotUnits): CanonicalQuantity {
  assertUnitType(slot.unitType);
  const isPercent = unitTypeOf(spelling).includes('percentage');
  if (isPercent && slot.unitType !== 'percentage') {
    return { quantity: levelFromPercent(quantity, slot.capacity), unit: canonicalUnitOf(slot.unitType) };
  }
  const canonical = toCanonical(quantity, spelling, slot.unitType);
  if (isPercent) assertPercentLevel(quantity, { unit: spelling, unitType: slot.unitType });
  return canonical;
}

function assertPercentLevel(percent: number, context: Record<string, unknown> = {}): void {
  assertQuantity(percent, { ...context, unit: context['unit'] ?? '%' });
  if (percent > 100) {
    throw new UnitError(UnitErrorCode.UNIT_BAD_QUANTITY, `level ${percent} % is above 100 %`, {
      ...context,
      quantity: String(percent),
      problem: 'is above 100 percent',
    });
  }
}
