import { RestockError, type RestockErrorOptions } from '@restock/errors';

/**
 * Codes of the control API's problems (problem+json). The DRS and LWA routes answer in Amazon's own
 * error shapes instead, because they stand in for Amazon's wire format.
 */
export const SimulatorErrorCode = {
  SIM_MODEL_UNKNOWN: 'SIM_MODEL_UNKNOWN',
  SIM_MODEL_INVALID: 'SIM_MODEL_INVALID',
  SIM_REGISTRATION_UNKNOWN: 'SIM_REGISTRATION_UNKNOWN',
  SIM_REGISTRATION_INACTIVE: 'SIM_REGISTRATION_INACTIVE',
  SIM_REDIRECT_URI_NOT_ALLOWED: 'SIM_REDIRECT_URI_NOT_ALLOWED',
  SIM_SLOT_UNKNOWN: 'SIM_SLOT_UNKNOWN',
  SIM_UNIT_INVALID: 'SIM_UNIT_INVALID',
  SIM_ORDER_UNKNOWN: 'SIM_ORDER_UNKNOWN',
  SIM_ORDER_NOT_CANCELLABLE: 'SIM_ORDER_NOT_CANCELLABLE',
  SIM_ORDER_NOT_RESOLVABLE: 'SIM_ORDER_NOT_RESOLVABLE',
  SIM_SUBSCRIPTION_UNKNOWN: 'SIM_SUBSCRIPTION_UNKNOWN',
  SIM_ENDPOINT_INVALID: 'SIM_ENDPOINT_INVALID',
  SIM_REGISTRATION_CONFLICT: 'SIM_REGISTRATION_CONFLICT',
} as const;
export type SimulatorErrorCode = (typeof SimulatorErrorCode)[keyof typeof SimulatorErrorCode];

/** A control API error a client reads: its status goes out with its message. */
export class SimulatorError extends RestockError {
  declare readonly code: SimulatorErrorCode;
  constructor(code: SimulatorErrorCode, status: number, message: string, options: RestockErrorOptions = {}) {
    super(code, message, { ...options, status });
    this.name = 'SimulatorError';
  }
}
