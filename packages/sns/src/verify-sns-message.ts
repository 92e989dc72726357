import { verify } from 'node:crypto';
import { isRetriable } from '@restock/errors';
import type { CertificateSource } from './certificate-source.js';
import { readSnsEnvelope, type SnsRawBody } from './read-sns-envelope.js';
import { checkSigningCertificate } from './signing-certificate.js';
import { buildStringToSign, DIGEST_BY_SIGNATURE_VERSION } from './string-to-sign.js';
import { checkSigningCertUrl, checkSubscribeUrl, type InsecureOrigins, type SnsHostRule } from './trusted-sns-url.js';
import { refusal, SnsVerificationCode, type SnsVerificationResult } from './verification-result.js';

/** Options of `verifySnsMessage`. */
export interface VerifySnsMessageOptions {
  /** Where certificates come from (usually cached https; a directory or static map in tests). */
  certificateSource: CertificateSource;
  /**
   * Topics we accept messages from: exact ARNs, or a predicate. Required, because a valid signature only
   * proves that SNS sent the message, not that it came from the DRS topic.
   */
  allowedTopicArns: readonly string[] | ((topicArn: string) => boolean);
  /**
   * Hosts trusted to serve certificates and subscribe URLs. Default: `DEFAULT_SNS_HOST_PATTERN`
   * (`sns.<region>.amazonaws.com[.cn]`). Tests and the simulator pass an allow-list with their own host.
   */
  certificateHost?: SnsHostRule;
  /**
   * Exact origins (`http://127.0.0.1:8090`) also trusted to serve certificates and subscribe URLs, over
   * http and on a port: the DRS simulator in development. Default none; never set it in production.
   */
  insecureOrigins?: InsecureOrigins;
  /** The time the certificate must be valid at. */
  clock: () => Date;
  /** The `x-amz-sns-message-type` header, when the transport has one; the body's `Type` must equal it. */
  expectedMessageType?: string | undefined;
}

// Standard base64 with optional padding; SNS-compatible signers may wrap lines (the Ruby test fixtures do).
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}[\r\n]*$/;

/**
 * Verifies an SNS HTTP/HTTPS message exactly as DRS-SNS-SPEC 3.5-3.6 describes, and returns it in
 * canonical field names. Checks, in this order, each with its own code: well-formed body and fields, type
 * header, signature version, `SigningCertURL`, `SubscribeURL` (confirmations), certificate download,
 * certificate form and dates, signature, and last the topic allow-list (so that a refused topic is known
 * to be genuinely signed). All checks that need no I/O run before the certificate is fetched. Never
 * throws for bad input.
 */
export async function verifySnsMessage(
  rawBody: SnsRawBody,
  options: VerifySnsMessageOptions,
): Promise<SnsVerificationResult> {
  const read = readSnsEnvelope(rawBody, options.expectedMessageType);
  if (!read.ok) return read;
  const { message } = read;

  const certUrl = checkSigningCertUrl(message.SigningCertURL, options.certificateHost, options.insecureOrigins);
  if (!certUrl.ok) return refusal(SnsVerificationCode.SNS_BAD_CERT_URL, certUrl.reason);
  if (message.Type !== 'Notification') {
    const subscribeUrl = checkSubscribeUrl(message.SubscribeURL, options.certificateHost, options.insecureOrigins);
    if (!subscribeUrl.ok) return refusal(SnsVerificationCode.SNS_BAD_SUBSCRIBE_URL, subscribeUrl.reason);
  }
  if (!BASE64.test(message.Signature)) {
    return refusal(SnsVerificationCode.SNS_BAD_SIGNATURE, 'Signature is not base64');
  }

  let pem: string;
  try {
    pem = await options.certificateSource.get(certUrl.url);
  } catch (error) {
    return refusal(
      SnsVerificationCode.SNS_CERT_UNAVAILABLE,
      `certificate at SigningCertURL ${certUrl.url.href} is unavailable: ${(error as Error)?.message ?? String(error)}`,
      isRetriable(error),
    );
  }
  const certificate = checkSigningCertificate(pem, options.clock());
  if (!certificate.ok) {
    const code =
      certificate.problem === 'expired' ? SnsVerificationCode.SNS_CERT_EXPIRED : SnsVerificationCode.SNS_CERT_INVALID;
    return refusal(code, `${certificate.reason} (SigningCertURL ${certUrl.url.href})`);
  }

  const stringToSign = buildStringToSign(message.Type, message as unknown as Record<string, unknown>);
  let valid: boolean;
  try {
    valid = verify(
      DIGEST_BY_SIGNATURE_VERSION[message.SignatureVersion],
      Buffer.from(stringToSign, 'utf8'),
      certificate.certificate.publicKey,
      Buffer.from(message.Signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) {
    return refusal(
      SnsVerificationCode.SNS_BAD_SIGNATURE,
      `Signature does not match the signed fields of this ${message.Type} (SignatureVersion ${message.SignatureVersion})`,
    );
  }

  const allowed =
    typeof options.allowedTopicArns === 'function'
      ? options.allowedTopicArns(message.TopicArn)
      : options.allowedTopicArns.includes(message.TopicArn);
  if (!allowed) {
    return refusal(SnsVerificationCode.SNS_TOPIC_NOT_ALLOWED, `TopicArn ${message.TopicArn} is not an allowed topic`);
  }
  return { ok: true, message };
}
