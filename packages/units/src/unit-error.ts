import { RestockError } from '@restock/errors';

/** The closed list of error codes of `@restock/units`. None is retriable: bad input stays bad. */
export const UnitErrorCode = Object.freeze({
  /** The spelling is not a unit Restock knows. */
  UNIT_UNKNOWN: 'UNIT_UNKNOWN',
  /** The spelling is a known unit, but of another unit type than the slot's (e.g. `kg` for a volume slot). */
  UNIT_WRONG_TYPE: 'UNIT_WRONG_TYPE',
  /** The quantity is negative, NaN, infinite, or (for a level in percent) above 100. */
  UNIT_BAD_QUANTITY: 'UNIT_BAD_QUANTITY',
  /** The unit type itself is not one of volume, weight, count, percentage. */
  UNIT_TYPE_UNKNOWN: 'UNIT_TYPE_UNKNOWN',
} as const);

export type UnitErrorCode = (typeof UnitErrorCode)[keyof typeof UnitErrorCode];

/**
 * Thrown for a unit or quantity that can never be converted. Not retriable, HTTP 400; `details` names
 * the unit and unit type (or the quantity) at fault.
 */
export class UnitError extends RestockError {
  declare readonly code: UnitErrorCode;
  constructor(code: UnitErrorCode, message: string, details: Record<string, unknown>) {
    super(code, message, { retriable: false, status: 400, details });
    this.name = 'UnitError';
  }
}
