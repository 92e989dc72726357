import { isSnsMessageType, SNS_MESSAGE_TYPES, type SnsMessage, type SnsSignatureVersion } from './sns-message.js';
import { refusal, SnsVerificationCode, type SnsVerificationFailure } from './verification-result.js';

/** A body as the bridge receives it (SNS sends JSON as text/plain), or already parsed (a Lambda record's `Sns`). */
export type SnsRawBody = string | Uint8Array | object;

// The Lambda event shape spells these with a lower-case "rl" (DRS-SNS-SPEC 3.5 step 5).
const LAMBDA_ALIASES = [
  ['SigningCertUrl', 'SigningCertURL'],
  ['UnsubscribeUrl', 'UnsubscribeURL'],
  ['SubscribeUrl', 'SubscribeURL'],
] as const;

const COMMON_REQUIRED = [
  'MessageId',
  'TopicArn',
  'Message',
  'Timestamp',
  'SignatureVersion',
  'Signature',
  'SigningCertURL',
] as const;
const CONFIRMATION_REQUIRED = ['Token', 'SubscribeURL'] as const;

/**
 * Decodes a body and reads it as an SNS message in canonical field names: Lambda spellings mapped, a null
 * `Subject` dropped, every required field present and a string, `Type` known and equal to the header's
 * (when given), `SignatureVersion` "1" or "2". Says nothing yet about the signature.
 */
export function readSnsEnvelope(
  rawBody: SnsRawBody,
  expectedMessageType?: string,
): { ok: true; message: SnsMessage } | SnsVerificationFailure {
  const decoded = decodeBody(rawBody);
  if (!decoded.ok) return decoded;
  const fields = decoded.body;

  for (const [alias, canonical] of LAMBDA_ALIASES) {
    if (!Object.hasOwn(fields, alias)) continue;
    if (Object.hasOwn(fields, canonical) && fields[canonical] !== fields[alias]) {
      return malformed(`both ${canonical} and ${alias} are present, with different values`);
    }
    fields[canonical] = fields[alias];
  }

  const type = fields['Type'];
  if (type === undefined || type === null) return malformed('Type is missing');
  if (!isSnsMessageType(type)) {
    return malformed(`Type ${JSON.stringify(type)} is not one of ${SNS_MESSAGE_TYPES.join(', ')}`);
  }
  if (expectedMessageType !== undefined && expectedMessageType !== type) {
    return refusal(
      SnsVerificationCode.SNS_TYPE_MISMATCH,
      `Type ${JSON.stringify(type)} differs from the x-amz-sns-message-type header ${JSON.stringify(expectedMessageType)}`,
    );
  }

  const required = type === 'Notification' ? COMMON_REQUIRED : [...COMMON_REQUIRED, ...CONFIRMATION_REQUIRED];
  for (const key of required) {
    const value = fields[key];
    if (value === undefined || value === null) return malformed(`${key} is missing`);
    if (typeof value !== 'string') return malformed(`${key} must be a string, got ${typeof value}`);
  }
  const signatureVersion = fields['SignatureVersion'];
  if (!isSignatureVersion(signatureVersion)) {
    return refusal(
      SnsVerificationCode.SNS_BAD_SIGNATURE_VERSION,
      `SignatureVersion ${JSON.stringify(signatureVersion)} is not supported (only "1" and "2")`,
    );
  }

  const base = {
    MessageId: fields['MessageId'] as string,
    TopicArn: fields['TopicArn'] as string,
    Message: fields['Message'] as string,
    Timestamp: fields['Timestamp'] as string,
    SignatureVersion: signatureVersion,
    Signature: fields['Signature'] as string,
    SigningCertURL: fields['SigningCertURL'] as string,
  };

  if (type !== 'Notification') {
    const confirmation = { ...base, Token: fields['Token'] as string, SubscribeURL: fields['SubscribeURL'] as string };
    return {
      ok: true,
      message: type === 'SubscriptionConfirmation' ? { Type: type, ...confirmation } : { Type: type, ...confirmation },
    };
  }
  const subject = fields['Subject'];
  if (subject !== undefined && subject !== null && typeof subject !== 'string') {
    return malformed(`Subject must be a string or null, got ${typeof subject}`);
  }
  const unsubscribeUrl = fields['UnsubscribeURL'];
  const attributes = fields['MessageAttributes'];
  return {
    ok: true,
    message: {
      Type: 'Notification',
      ...base,
      ...(typeof subject === 'string' ? { Subject: subject } : {}),
      // Neither is signed: kept for the caller's convenience, never relied on here.
      ...(typeof unsubscribeUrl === 'string' ? { UnsubscribeURL: unsubscribeUrl } : {}),
      ...(isPlainObject(attributes) ? { MessageAttributes: attributes } : {}),
    },
  };
}

function decodeBody(rawBody: SnsRawBody): { ok: true; body: Record<string, unknown> } | SnsVerificationFailure {
  let value: unknown = rawBody;
  if (rawBody instanceof Uint8Array) {
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
    } catch {
      return malformed('body is not valid UTF-8');
    }
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return malformed('body is not JSON');
    }
  }
  if (!isPlainObject(value)) return malformed('body is not a JSON object');
  // A copy, so that mapping the Lambda spellings never writes into the caller's object.
  return { ok: true, body: { ...value } };
}

function isSignatureVersion(value: unknown): value is SnsSignatureVersion {
  return value === '1' || value === '2';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(reason: string): SnsVerificationFailure {
  return refusal(SnsVerificationCode.SNS_MALFORMED, reason);
}
