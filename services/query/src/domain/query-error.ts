import { RestockError } from '@restock/errors';

/** The closed list of the query service's error codes. */
export const QueryErrorCode = {
  /** No such device for this customer: unknown, or another customer's (never told apart). */
  QRY_DEVICE_NOT_FOUND: 'QRY_DEVICE_NOT_FOUND',
  /** The device's model has no such slot. */
  QRY_SLOT_NOT_FOUND: 'QRY_SLOT_NOT_FOUND',
  /** A quantity or unit of the request cannot be converted or applied to the slot. */
  QRY_BAD_QUANTITY: 'QRY_BAD_QUANTITY',
  /** An Idempotency-Key was reused for a different request. */
  QRY_IDEMPOTENCY_MISMATCH: 'QRY_IDEMPOTENCY_MISMATCH',
  /** PostgreSQL did not answer: the same request may succeed later. */
  QRY_STORE_UNAVAILABLE: 'QRY_STORE_UNAVAILABLE',
} as const;

export type QueryErrorCode = (typeof QueryErrorCode)[keyof typeof QueryErrorCode];

/** An error a client reads: a stable code, an HTTP status and, for bad input, the field at fault. */
export class QueryError extends RestockError {
  constructor(
    code: QueryErrorCode,
    status: number,
    message: string,
    details: Record<string, unknown> = {},
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(code, message, { status, details, cause: options.cause, retriable: options.retriable ?? false });
    this.name = 'QueryError';
  }
}

/** The same answer for an unknown device and another customer's, so ids cannot be probed. */
export function deviceNotFound(deviceId: string): QueryError {
  return new QueryError(QueryErrorCode.QRY_DEVICE_NOT_FOUND, 404, `device ${deviceId} was not found`, {
    field: '/params/deviceId',
  });
}

export function slotNotFound(deviceId: string, slotId: string): QueryError {
  return new QueryError(QueryErrorCode.QRY_SLOT_NOT_FOUND, 404, `device ${deviceId} has no slot ${slotId}`, {
    field: '/params/slotId',
  });
}
