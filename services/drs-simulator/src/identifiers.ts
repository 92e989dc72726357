import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifiers in the formats Amazon uses (DRS-SNS-SPEC 1.1, 1.3.1, 2.1, 3.2). Random, so this is the
 * one place outside the routes that is not deterministic; the domain receives them as arguments.
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling would be exact; the modulo bias over 256 values does not matter for test ids.
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** An LWA access token: `Atza|` and at least 350 characters in all, well under the 2048-byte limit. */
export function newAccessToken(): string {
  return `Atza|IwEBI${randomBytes(300).toString('base64url')}`;
}

/** An LWA refresh token: `Atzr|`. */
export function newRefreshToken(): string {
  return `Atzr|IwEBI${randomBytes(300).toString('base64url')}`;
}

/** An LWA authorization code: 20 letters, like the codes Login with Amazon hands out. */
export function newAuthorizationCode(): string {
  return randomFrom(ALPHANUMERIC.slice(0, 52), 20);
}

/** `eventInstanceId` of an order: `amzn1.dash.v2.o.` and an opaque id. */
export function newEventInstanceId(): string {
  return `amzn1.dash.v2.o.ci${randomFrom(LOWER_ALPHANUMERIC, 22)}`;
}

/** `notificationInfo.notificationId`. */
export function newNotificationId(): string {
  return `amzn1.dash.notification.v1.${randomUUID()}`;
}

/** `customerInfo.directedCustomerId`. */
export function newDirectedCustomerId(): string {
  return `amzn1.account.A${randomFrom(UPPER_ALPHANUMERIC, 27)}`;
}

/** An SNS confirmation token: a long hex string, as in real SubscriptionConfirmation messages. */
export function newSubscriptionToken(): string {
  return randomBytes(128).toString('hex');
}

/** The file name (without `.pem`) of a signing certificate, as SNS names them. */
export function newCertificateName(): string {
  return `SimpleNotificationService-${randomBytes(16).toString('hex')}`;
}

/** How secrets are stored: only their SHA-256, so a database dump holds no usable token. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
