import { RestockError, type RestockErrorOptions } from '@restock/errors';

/** The device simulator's error codes. */
export const SimulatorErrorCode = {
  /** Ingest or the catalog did not answer /health/ready in time. */
  SIM_NOT_READY: 'SIM_NOT_READY',
  /** The catalog admin API answered something the setup cannot go on with. */
  SIM_CATALOG_REFUSED: 'SIM_CATALOG_REFUSED',
  /** Neither OPERATOR_TOKEN nor AUTH_HMAC_SECRET is set. */
  SIM_NO_OPERATOR_TOKEN: 'SIM_NO_OPERATOR_TOKEN',
  /** The state file exists but cannot be read as the simulator's state. */
  SIM_STATE_UNREADABLE: 'SIM_STATE_UNREADABLE',
} as const;
export type SimulatorErrorCode = (typeof SimulatorErrorCode)[keyof typeof SimulatorErrorCode];

export class SimulatorError extends RestockError {
  constructor(code: SimulatorErrorCode, message: string, options: RestockErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SimulatorError';
  }
}
