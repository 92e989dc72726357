/**
 * `@restock/sns`: the SNS HTTP/HTTPS protocol as DRS uses it. Verifying messages (sns-bridge), signing
 * them (drs-simulator), certificate sources, and parsing and building DRS notification payloads. Pure
 * functions; the only I/O is in the certificate sources the caller chooses and injects.
 */
export { buildDrsMessageAttributes, buildDrsNotification } from './build-drs-notification.js';
export { type CachedCertificateSourceOptions, cachedCertificateSource } from './cached-certificate-source.js';
export type { CertificateSource } from './certificate-source.js';
export { directoryCertificateSource } from './directory-certificate-source.js';
export {
  type DeviceDeregisteredNotification,
  type DeviceRegisteredNotification,
  DRS_NOTIFICATION_INFO_VERSION,
  DRS_NOTIFICATION_TYPES,
  type DrsNotification,
  type DrsNotificationCommon,
  type DrsNotificationType,
  type DrsNotificationVersion,
  type DrsOrder,
  type DrsOrderProduct,
  DrsParseCode,
  type DrsParseResult,
  type DrsSlotSubscription,
  type DrsSubscribedProduct,
  type ItemShippedNotification,
  type OrderCancelledNotification,
  type OrderPlacedNotification,
  type SubscriptionChangedNotification,
} from './drs-notification.js';
export { SnsError, SnsErrorCode } from './errors.js';
export { type HttpsCertificateSourceOptions, httpsCertificateSource } from './https-certificate-source.js';
export { parseDrsNotification } from './parse-drs-notification.js';
export type { SnsRawBody } from './read-sns-envelope.js';
export { type SignSnsMessageOptions, signSnsMessage, type UnsignedSnsMessage } from './sign-sns-message.js';
export {
  isSnsMessageType,
  SNS_MESSAGE_TYPES,
  type SnsMessage,
  type SnsMessageType,
  type SnsNotification,
  type SnsSignatureVersion,
  type SnsSubscriptionConfirmation,
  type SnsUnsubscribeConfirmation,
} from './sns-message.js';
export { staticCertificateSource } from './static-certificate-source.js';
export { buildStringToSign, SIGNED_KEYS } from './string-to-sign.js';
export {
  checkSigningCertUrl,
  checkSubscribeUrl,
  DEFAULT_SNS_HOST_PATTERN,
  hostPassesRule,
  type InsecureOrigins,
  type SnsHostRule,
  type UrlCheck,
} from './trusted-sns-url.js';
export {
  SnsVerificationCode,
  type SnsVerificationFailure,
  type SnsVerificationResult,
} from './verification-result.js';
export { type VerifySnsMessageOptions, verifySnsMessage } from './verify-sns-message.js';
