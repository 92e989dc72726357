import type { SnsMessage } from './sns-message.js';

/**
 * Why a message was refused; a closed list. Every refusal also carries a human `reason` naming the field.
 * Only `SNS_CERT_UNAVAILABLE` can be `retriable` (the certificate host may answer next time); SNS retries
 * a delivery answered with 5xx, so a bridge answers 5xx for retriable refusals and 4xx for the rest.
 */
export const SnsVerificationCode = {
  /** Body is not JSON, not an object, or a required field is missing or not a string. */
  SNS_MALFORMED: 'SNS_MALFORMED',
  /** `Type` differs from the `x-amz-sns-message-type` header. */
  SNS_TYPE_MISMATCH: 'SNS_TYPE_MISMATCH',
  /** `SignatureVersion` is neither "1" nor "2". */
  SNS_BAD_SIGNATURE_VERSION: 'SNS_BAD_SIGNATURE_VERSION',
  /** `SigningCertURL` breaks a rule (scheme, host, user info, port, query, path). */
  SNS_BAD_CERT_URL: 'SNS_BAD_CERT_URL',
  /** A confirmation's `SubscribeURL` is not https on an allowed SNS host. */
  SNS_BAD_SUBSCRIBE_URL: 'SNS_BAD_SUBSCRIBE_URL',
  /** The certificate source could not deliver the certificate. */
  SNS_CERT_UNAVAILABLE: 'SNS_CERT_UNAVAILABLE',
  /** The certificate is not one well-formed X.509 PEM with an RSA key. */
  SNS_CERT_INVALID: 'SNS_CERT_INVALID',
  /** The certificate is outside its validity dates at `clock()`. */
  SNS_CERT_EXPIRED: 'SNS_CERT_EXPIRED',
  /** The signature does not match the signed fields. */
  SNS_BAD_SIGNATURE: 'SNS_BAD_SIGNATURE',
  /** Genuinely signed by SNS, but on a topic we do not listen to (anyone can get SNS to sign on theirs). */
  SNS_TOPIC_NOT_ALLOWED: 'SNS_TOPIC_NOT_ALLOWED',
} as const;
export type SnsVerificationCode = (typeof SnsVerificationCode)[keyof typeof SnsVerificationCode];

/** A refused message. */
export interface SnsVerificationFailure {
  ok: false;
  code: SnsVerificationCode;
  reason: string;
  retriable: boolean;
}

/** The outcome of `verifySnsMessage`. */
export type SnsVerificationResult = { ok: true; message: SnsMessage } | SnsVerificationFailure;

/** Builds a refusal; only a certificate download may be worth retrying. */
export function refusal(code: SnsVerificationCode, reason: string, retriable = false): SnsVerificationFailure {
  return { ok: false, code, reason, retriable };
}
