/**
 * DRS notifications (DRS-SNS-SPEC 2), normalised across the v1.0 and v2.0 payload shapes. These are
 * plain TS types of this package's own output, not Kafka events: sns-bridge maps them to the events of
 * `@restock/events` after resolving the device.
 */

/** The six documented DRS notification types. */
export const DRS_NOTIFICATION_TYPES = [
  'OrderPlacedNotification',
  'ItemShippedNotification',
  'OrderCancelledNotification',
  'SubscriptionChangedNotification',
  'DeviceRegisteredNotification',
  'DeviceDeregisteredNotification',
] as const;
export type DrsNotificationType = (typeof DRS_NOTIFICATION_TYPES)[number];

/**
 * The payload shape. Only OrderPlaced, ItemShipped and SubscriptionChanged have a v2.0 shape; the other
 * three have one shape, reported as `1.0`.
 */
export type DrsNotificationVersion = '1.0' | '2.0';

/** `notificationInfo.version` in every DRS notification, v1.0 and v2.0 alike. */
export const DRS_NOTIFICATION_INFO_VERSION = '2015-06-05';

/** What every DRS notification carries. */
export interface DrsNotificationCommon {
  version: DrsNotificationVersion;
  /** `amzn1.dash.notification.v1.<uuid>`: the idempotency key at the DRS layer. */
  notificationId: string;
  /** ISO 8601, when DRS sent it, as DRS wrote it. */
  notificationTime: string;
  /** Absent in some real payloads. */
  lwaClientId: string | null;
  modelId: string;
  serialNumber: string;
  directedCustomerId: string | null;
}

/** One product of an order. v1.0 has no ASIN and one delivery date per order (copied onto each product). */
export interface DrsOrderProduct {
  asin: string | null;
  quantity: number;
  /** As DRS spelled it (`count`, `Count`, `pounds`, `fl oz`...); `@restock/units` converts. */
  unit: string;
  estimatedDeliveryDate: string | null;
}

/** `orderInfo` of OrderPlaced and ItemShipped. */
export interface DrsOrder {
  /** The replenish call's `eventInstanceId`. */
  instanceId: string;
  /** The DRS slot id (Amazon's), not Restock's. */
  slotId: string;
  products: DrsOrderProduct[];
}

/** A product chosen for a slot (v2.0 only). */
export interface DrsSubscribedProduct {
  asin: string;
  quantity: number;
  unit: string;
}

/** One slot's subscription. v1.0 says only whether it is subscribed, so `products` is empty there. */
export interface DrsSlotSubscription {
  subscribed: boolean;
  products: DrsSubscribedProduct[];
}

/** Replenish accepted, no problem: ships unless the customer cancels within 24 h. */
export interface OrderPlacedNotification extends DrsNotificationCommon {
  type: 'OrderPlacedNotification';
  order: DrsOrder;
}

/** Amazon fulfilment shipped the order. */
export interface ItemShippedNotification extends DrsNotificationCommon {
  type: 'ItemShippedNotification';
  order: DrsOrder;
}

/** Cancelled by the customer or by Order Resolution after 72 h; DRS gives no products and no reason. */
export interface OrderCancelledNotification extends DrsNotificationCommon {
  type: 'OrderCancelledNotification';
  order: { instanceId: string; slotId: string };
}

/** The subscription state of the device's slots, keyed by DRS slot id. */
export interface SubscriptionChangedNotification extends DrsNotificationCommon {
  type: 'SubscriptionChangedNotification';
  subscriptions: Record<string, DrsSlotSubscription>;
}

/** The customer completed Login with Amazon for the device. */
export interface DeviceRegisteredNotification extends DrsNotificationCommon {
  type: 'DeviceRegisteredNotification';
}

/** The device was deregistered (by the maker, the customer, customer service, or LWA removal). */
export interface DeviceDeregisteredNotification extends DrsNotificationCommon {
  type: 'DeviceDeregisteredNotification';
}

/** A parsed DRS notification; switch on `type`. */
export type DrsNotification =
  | OrderPlacedNotification
  | ItemShippedNotification
  | OrderCancelledNotification
  | SubscriptionChangedNotification
  | DeviceRegisteredNotification
  | DeviceDeregisteredNotification;

/** Why a DRS payload was refused; a closed list. */
export const DrsParseCode = {
  /** The SNS `Message` is not JSON. */
  DRS_NOT_JSON: 'DRS_NOT_JSON',
  /** `notificationInfo.notificationType` is not one of the six (log it and move on: DRS may add types). */
  DRS_UNKNOWN_TYPE: 'DRS_UNKNOWN_TYPE',
  /** JSON, but not a well-formed DRS notification; `reason` names the field. */
  DRS_INVALID: 'DRS_INVALID',
} as const;
export type DrsParseCode = (typeof DrsParseCode)[keyof typeof DrsParseCode];

/** The outcome of `parseDrsNotification`. */
export type DrsParseResult =
  | { ok: true; notification: DrsNotification }
  | { ok: false; code: DrsParseCode; reason: string };
