import {
  DRS_NOTIFICATION_TYPES,
  type DrsNotificationCommon,
  type DrsNotificationType,
  type DrsNotificationVersion,
  type DrsOrder,
  type DrsOrderProduct,
  DrsParseCode,
  type DrsParseResult,
  type DrsSlotSubscription,
  type DrsSubscribedProduct,
} from './drs-notification.js';

type JsonObject = Record<string, unknown>;

/** Thrown inside the parser only, to stop at the first bad field; never escapes `parseDrsNotification`. */
class InvalidField extends Error {}

// The keys of an SNS per-protocol message (MessageStructure=json). SNS delivers only the value for the
// endpoint's protocol, never the wrapper, so a wrapped payload was published by hand (the GetWagz
// fixtures were made in the SNS console this way) and is not a DRS notification.
const PER_PROTOCOL_KEYS = ['default', 'email', 'http', 'https'];

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses the SNS `Message` of a DRS notification (verify the envelope first) into one normalised shape
 * whatever its version, detected by shape rather than by the unsigned `MessageAttributes`: v1.0 orders
 * have no `asin` and one `orderInfo.estimatedDeliveryDate`; v2.0 orders have `productInfo[].asin` and a
 * date per product; SubscriptionChanged v1.0 maps slot -> boolean, v2.0 slot -> {subscribed, productInfoList}.
 * Unknown extra fields are ignored, as the DRS documentation asks. Never throws.
 */
export function parseDrsNotification(message: string): DrsParseResult {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch (error) {
    return { ok: false, code: DrsParseCode.DRS_NOT_JSON, reason: `Message is not JSON: ${(error as Error).message}` };
  }
  try {
    return readNotification(json);
  } catch (error) {
    if (error instanceof InvalidField) return { ok: false, code: DrsParseCode.DRS_INVALID, reason: error.message };
    throw error;
  }
}

function readNotification(json: unknown): DrsParseResult {
  if (!isObject(json)) throw new InvalidField('Message is not a JSON object');
  if (json['notificationInfo'] === undefined) {
    const wrapped = PER_PROTOCOL_KEYS.filter((key) => isObject(json[key]));
    if (wrapped.length > 0) {
      throw new InvalidField(
        `notificationInfo is missing: the payload is wrapped in SNS per-protocol keys (${wrapped.join(', ')}), which DRS never sends`,
      );
    }
    throw new InvalidField('notificationInfo is missing: not a DRS notification');
  }
  const info = object(json, 'notificationInfo', 'notificationInfo');
  const type = string(info, 'notificationType', 'notificationInfo.notificationType');
  if (!isKnownType(type)) {
    return {
      ok: false,
      code: DrsParseCode.DRS_UNKNOWN_TYPE,
      reason: `notificationInfo.notificationType ${JSON.stringify(type)} is not a known DRS notification type`,
    };
  }
  const common = readCommon(json, info);

  switch (type) {
    case 'OrderPlacedNotification':
    case 'ItemShippedNotification': {
      const { order, version } = readOrder(json);
      return { ok: true, notification: { type, ...common, version, order } };
    }
    case 'OrderCancelledNotification': {
      const orderInfo = object(json, 'orderInfo', 'orderInfo');
      const order = {
        instanceId: string(orderInfo, 'instanceId', 'orderInfo.instanceId'),
        slotId: string(orderInfo, 'slotId', 'orderInfo.slotId'),
      };
      return { ok: true, notification: { type, ...common, version: '1.0', order } };
    }
    case 'SubscriptionChangedNotification': {
      const { subscriptions, version } = readSubscriptions(json);
      return { ok: true, notification: { type, ...common, version, subscriptions } };
    }
    case 'DeviceRegisteredNotification':
    case 'DeviceDeregisteredNotification':
      return { ok: true, notification: { type, ...common, version: '1.0' } };
  }
}

function readCommon(json: JsonObject, info: JsonObject): Omit<DrsNotificationCommon, 'version'> {
  const device = object(json, 'deviceInfo', 'deviceInfo');
  const customer = json['customerInfo'] === undefined ? undefined : object(json, 'customerInfo', 'customerInfo');
  // Early v1.0 samples spell the client id `LWAClientId`.
  const lwaKey = info['lwaClientId'] === undefined && info['LWAClientId'] !== undefined ? 'LWAClientId' : 'lwaClientId';
  return {
    notificationId: string(info, 'notificationId', 'notificationInfo.notificationId'),
    notificationTime: timestamp(info, 'notificationTime', 'notificationInfo.notificationTime'),
    lwaClientId: optionalString(info, lwaKey, `notificationInfo.${lwaKey}`),
    modelId: string(
      object(device, 'productIdentifier', 'deviceInfo.productIdentifier'),
      'modelId',
      'deviceInfo.productIdentifier.modelId',
    ),
    serialNumber: string(
      object(device, 'deviceIdentifier', 'deviceInfo.deviceIdentifier'),
      'serialNumber',
      'deviceInfo.deviceIdentifier.serialNumber',
    ),
    directedCustomerId:
      customer === undefined ? null : optionalString(customer, 'directedCustomerId', 'customerInfo.directedCustomerId'),
  };
}

function readOrder(json: JsonObject): { order: DrsOrder; version: DrsNotificationVersion } {
  const orderInfo = object(json, 'orderInfo', 'orderInfo');
  const items = array(orderInfo, 'productInfo', 'orderInfo.productInfo');
  const orderDate =
    orderInfo['estimatedDeliveryDate'] === undefined || orderInfo['estimatedDeliveryDate'] === null
      ? null
      : timestamp(orderInfo, 'estimatedDeliveryDate', 'orderInfo.estimatedDeliveryDate');
  const withAsin = items.filter((item) => isObject(item) && item['asin'] !== undefined).length;
  if (withAsin > 0 && withAsin < items.length) {
    throw new InvalidField('orderInfo.productInfo mixes v1.0 items (no asin) with v2.0 items (asin)');
  }
  // An order with no products shows no shape; a top-level date is the only v1.0 mark left.
  const version: DrsNotificationVersion = withAsin > 0 ? '2.0' : items.length > 0 || orderDate !== null ? '1.0' : '2.0';
  const products = items.map((item, index): DrsOrderProduct => {
    const path = `orderInfo.productInfo[${index}]`;
    if (!isObject(item)) throw new InvalidField(`${path} is not an object`);
    const ownDate =
      item['estimatedDeliveryDate'] === undefined || item['estimatedDeliveryDate'] === null
        ? null
        : timestamp(item, 'estimatedDeliveryDate', `${path}.estimatedDeliveryDate`);
    return {
      asin: version === '2.0' ? string(item, 'asin', `${path}.asin`) : null,
      quantity: quantity(item, `${path}.quantity`),
      unit: string(item, 'unit', `${path}.unit`),
      estimatedDeliveryDate: ownDate ?? orderDate,
    };
  });
  return {
    version,
    order: {
      instanceId: string(orderInfo, 'instanceId', 'orderInfo.instanceId'),
      slotId: string(orderInfo, 'slotId', 'orderInfo.slotId'),
      products,
    },
  };
}

function readSubscriptions(json: JsonObject): {
  subscriptions: Record<string, DrsSlotSubscription>;
  version: DrsNotificationVersion;
} {
  const info = object(json, 'subscriptionInfo', 'subscriptionInfo');
  const slots = object(info, 'slotsSubscriptionStatus', 'subscriptionInfo.slotsSubscriptionStatus');
  const entries = Object.entries(slots);
  const booleans = entries.filter(([, value]) => typeof value === 'boolean').length;
  if (booleans > 0 && booleans < entries.length) {
    throw new InvalidField(
      'subscriptionInfo.slotsSubscriptionStatus mixes v1.0 slots (boolean) with v2.0 slots ({subscribed, productInfoList})',
    );
  }
  // No slot at all shows no shape; 2.0 is what DRS gives new vendors (DRS-SNS-SPEC 1.4).
  const version: DrsNotificationVersion = entries.length > 0 && booleans === entries.length ? '1.0' : '2.0';
  const normalised = entries.map(([slotId, value]): [string, DrsSlotSubscription] => {
    const path = `subscriptionInfo.slotsSubscriptionStatus[${JSON.stringify(slotId)}]`;
    if (typeof value === 'boolean') return [slotId, { subscribed: value, products: [] }];
    if (!isObject(value)) throw new InvalidField(`${path} is neither a boolean (v1.0) nor an object (v2.0)`);
    if (typeof value['subscribed'] !== 'boolean') throw new InvalidField(`${path}.subscribed must be a boolean`);
    const list =
      value['productInfoList'] === undefined ? [] : array(value, 'productInfoList', `${path}.productInfoList`);
    const products = list.map((item, index): DrsSubscribedProduct => {
      const itemPath = `${path}.productInfoList[${index}]`;
      if (!isObject(item)) throw new InvalidField(`${itemPath} is not an object`);
      return {
        asin: string(item, 'asin', `${itemPath}.asin`),
        quantity: quantity(item, `${itemPath}.quantity`),
        unit: string(item, 'unit', `${itemPath}.unit`),
      };
    });
    return [slotId, { subscribed: value['subscribed'], products }];
  });
  // fromEntries defines own properties, so a slot id such as "__proto__" stays a plain key.
  return { version, subscriptions: Object.fromEntries(normalised) };
}

function isKnownType(type: string): type is DrsNotificationType {
  return (DRS_NOTIFICATION_TYPES as readonly string[]).includes(type);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(parent: JsonObject, key: string, path: string): JsonObject {
  const value = parent[key];
  if (value === undefined || value === null) throw new InvalidField(`${path} is missing`);
  if (!isObject(value)) throw new InvalidField(`${path} must be an object`);
  return value;
}

function array(parent: JsonObject, key: string, path: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) throw new InvalidField(`${path} is missing`);
  if (!Array.isArray(value)) throw new InvalidField(`${path} must be an array`);
  return value;
}

function string(parent: JsonObject, key: string, path: string): string {
  const value = parent[key];
  if (value === undefined || value === null) throw new InvalidField(`${path} is missing`);
  if (typeof value !== 'string' || value === '') throw new InvalidField(`${path} must be a non-empty string`);
  return value;
}

function optionalString(parent: JsonObject, key: string, path: string): string | null {
  return parent[key] === undefined || parent[key] === null ? null : string(parent, key, path);
}

function timestamp(parent: JsonObject, key: string, path: string): string {
  const value = string(parent, key, path);
  if (!ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidField(`${path} ${JSON.stringify(value)} is not an ISO 8601 date-time`);
  }
  return value;
}

function quantity(item: JsonObject, path: string): number {
  const value = item['quantity'];
  if (value === undefined || value === null) throw new InvalidField(`${path} is missing`);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidField(`${path} must be a non-negative number`);
  }
  return value;
}
