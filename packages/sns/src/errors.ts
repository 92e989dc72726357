import { RestockError, type RestockErrorOptions } from '@restock/errors';

/**
 * Codes of the errors this package throws. Verification and DRS parsing never throw for bad input; they
 * return a result with their own closed code lists (`SnsVerificationCode`, `DrsParseCode`). Errors are
 * thrown only by certificate sources (which the verifier turns into `SNS_CERT_UNAVAILABLE`) and by the
 * builders when the caller hands them something that cannot be written.
 */
export const SnsErrorCode = {
  /** A certificate source could not deliver the PEM; `retriable` says whether trying again may help. */
  SNS_CERT_UNAVAILABLE: 'SNS_CERT_UNAVAILABLE',
  /** `signSnsMessage` was given fields or a key it cannot sign with. */
  SNS_SIGN_INVALID_INPUT: 'SNS_SIGN_INVALID_INPUT',
  /** `buildDrsNotification` was given a notification that has no v1.0/v2.0 wire form. */
  DRS_BUILD_INVALID_INPUT: 'DRS_BUILD_INVALID_INPUT',
} as const;
export type SnsErrorCode = (typeof SnsErrorCode)[keyof typeof SnsErrorCode];

/** The error type thrown by this package (a `RestockError` with one of `SnsErrorCode`). */
export class SnsError extends RestockError {
  declare readonly code: SnsErrorCode;
  constructor(code: SnsErrorCode, message: string, options: RestockErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SnsError';
  }
}
