import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { SnsError, SnsErrorCode } from './errors.js';
import type {
  SnsMessage,
  SnsNotification,
  SnsSignatureVersion,
  SnsSubscriptionConfirmation,
  SnsUnsubscribeConfirmation,
} from './sns-message.js';
import { buildStringToSign, DIGEST_BY_SIGNATURE_VERSION } from './string-to-sign.js';

type Unsigned<T> = Omit<T, 'SignatureVersion' | 'Signature' | 'SigningCertURL'>;

/** The fields of a message before signing: everything but `SignatureVersion`, `Signature`, `SigningCertURL`. */
export type UnsignedSnsMessage =
  | Unsigned<SnsNotification>
  | Unsigned<SnsSubscriptionConfirmation>
  | Unsigned<SnsUnsubscribeConfirmation>;

/** How to sign. */
export interface SignSnsMessageOptions {
  /** PEM (PKCS#1 or PKCS#8) RSA private key, or a KeyObject made from one. */
  privateKeyPem: string | KeyObject;
  signatureVersion: SnsSignatureVersion;
  /** Written into `SigningCertURL`; the verifier must be able to get the matching certificate from it. */
  signingCertUrl: string;
}

/**
 * Signs a message as SNS does and returns the whole HTTP body object, keys in the order SNS writes them.
 * Pure apart from the key operation: the caller chooses `MessageId` and `Timestamp`. For the DRS
 * simulator and tests; Restock never signs in production.
 */
export function signSnsMessage(fields: UnsignedSnsMessage, options: SignSnsMessageOptions): SnsMessage {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'MessageAttributes') continue;
    if (typeof value !== 'string') {
      throw new SnsError(SnsErrorCode.SNS_SIGN_INVALID_INPUT, `field ${key} must be a string to be signed`);
    }
  }
  let key: KeyObject;
  try {
    key = typeof options.privateKeyPem === 'string' ? createPrivateKey(options.privateKeyPem) : options.privateKeyPem;
  } catch (error) {
    throw new SnsError(SnsErrorCode.SNS_SIGN_INVALID_INPUT, 'privateKeyPem is not a readable private key', {
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SnsError(SnsErrorCode.SNS_SIGN_INVALID_INPUT, `SNS signs with RSA, not ${key.asymmetricKeyType}`);
  }
  const stringToSign = buildStringToSign(fields.Type, fields as unknown as Record<string, unknown>);
  const signature = sign(
    DIGEST_BY_SIGNATURE_VERSION[options.signatureVersion],
    Buffer.from(stringToSign, 'utf8'),
    key,
  ).toString('base64');
  const signed = {
    SignatureVersion: options.signatureVersion,
    Signature: signature,
    SigningCertURL: options.signingCertUrl,
  };

  if (fields.Type === 'Notification') {
    return {
      Type: fields.Type,
      MessageId: fields.MessageId,
      TopicArn: fields.TopicArn,
      ...(fields.Subject !== undefined ? { Subject: fields.Subject } : {}),
      Message: fields.Message,
      Timestamp: fields.Timestamp,
      ...signed,
      ...(fields.UnsubscribeURL !== undefined ? { UnsubscribeURL: fields.UnsubscribeURL } : {}),
      ...(fields.MessageAttributes !== undefined ? { MessageAttributes: fields.MessageAttributes } : {}),
    };
  }
  return {
    Type: fields.Type,
    MessageId: fields.MessageId,
    Token: fields.Token,
    TopicArn: fields.TopicArn,
    Message: fields.Message,
    SubscribeURL: fields.SubscribeURL,
    Timestamp: fields.Timestamp,
    ...signed,
  };
}
