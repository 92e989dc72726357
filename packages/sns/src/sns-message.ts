/**
 * The three SNS HTTP/HTTPS message types (DRS-SNS-SPEC 3.2), with AWS's own field names: this is the
 * wire format SNS defines, so it keeps its PascalCase spelling.
 */
export const SNS_MESSAGE_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const;
export type SnsMessageType = (typeof SNS_MESSAGE_TYPES)[number];

/** `"1"` = SHA1withRSA, `"2"` = SHA256withRSA; SNS defines no other. */
export type SnsSignatureVersion = '1' | '2';

interface SnsMessageBase {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: SnsSignatureVersion;
  /** Base64. */
  Signature: string;
  SigningCertURL: string;
}

/** A published message. `UnsubscribeURL` and `MessageAttributes` are NOT covered by the signature. */
export interface SnsNotification extends SnsMessageBase {
  Type: 'Notification';
  /** Absent when the publisher gave none (a Lambda-shaped `Subject: null` is normalised to absent). */
  Subject?: string;
  UnsubscribeURL?: string;
  MessageAttributes?: Record<string, unknown>;
}

/** Sent when a subscription is created; GET `SubscribeURL` to confirm it. */
export interface SnsSubscriptionConfirmation extends SnsMessageBase {
  Type: 'SubscriptionConfirmation';
  Token: string;
  SubscribeURL: string;
}

/** Sent after the endpoint was unsubscribed; `SubscribeURL` re-subscribes. Its `Token` IS signed. */
export interface SnsUnsubscribeConfirmation extends SnsMessageBase {
  Type: 'UnsubscribeConfirmation';
  Token: string;
  SubscribeURL: string;
}

/** A verified SNS message in canonical (HTTP) field names; unknown extra fields are dropped. */
export type SnsMessage = SnsNotification | SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;

/** Type guard for `SnsMessageType`. */
export function isSnsMessageType(value: unknown): value is SnsMessageType {
  return typeof value === 'string' && (SNS_MESSAGE_TYPES as readonly string[]).includes(value);
}
