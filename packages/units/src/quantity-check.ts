import { UnitError, UnitErrorCode } from './unit-error.js';

/**
 * Throws UNIT_BAD_QUANTITY unless `quantity` is a finite number >= 0. `context` goes into the error's
 * details (the unit and unit type being converted).
 */
export function assertQuantity(quantity: number, context: Record<string, unknown> = {}): void {
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
    const problem =
      typeof quantity !== 'number'
        ? 'is not a number'
        : Number.isNaN(quantity)
          ? 'is NaN'
          : quantity < 0
            ? 'is negative'
            : 'is infinite';
    throw new UnitError(UnitErrorCode.UNIT_BAD_QUANTITY, `quantity ${String(quantity)} ${problem}`, {
      ...context,
      quantity: String(quantity),
      problem,
    });
  }
}
