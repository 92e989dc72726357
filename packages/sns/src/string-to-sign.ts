import type { SnsMessageType } from './sns-message.js';

/**
 * The signed keys per message type, in byte order (DRS-SNS-SPEC 3.5 step 3). Confirmations sign `Token`
 * and `SubscribeURL`; npm `sns-validator` 0.3.5 used the notification list for UnsubscribeConfirmation,
 * which lets a Token be altered unnoticed (and refuses genuine messages), so the list is chosen by the
 * exact type here.
 */
export const SIGNED_KEYS: Readonly<Record<SnsMessageType, readonly string[]>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/**
 * Builds the exact string SNS signs: `key\nvalue\n` for every signed key of the type that is present and
 * not null (only `Subject` may be missing), including the newline after the last value. Takes canonical
 * field names and decoded JSON values.
 */
export function buildStringToSign(type: SnsMessageType, fields: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const key of SIGNED_KEYS[type]) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    out += `${key}\n${String(value)}\n`;
  }
  return out;
}

/** The digest each signature version signs with (RSA PKCS#1 v1.5). */
export const DIGEST_BY_SIGNATURE_VERSION = { '1': 'sha1', '2': 'sha256' } as const;
