import {
  DRS_NOTIFICATION_INFO_VERSION,
  type DrsNotification,
  type DrsNotificationCommon,
  type DrsOrder,
  type SubscriptionChangedNotification,
} from './drs-notification.js';
import { SnsError, SnsErrorCode } from './errors.js';

/**
 * Writes a DRS notification as the SNS `Message` string DRS would send, in the shape of its `version`
 * with keys in the order of the DRS documentation samples (DRS-SNS-SPEC 2.3): the inverse of
 * `parseDrsNotification`. v1.0 carries no ASIN (dropped) and one delivery date per order (products must
 * agree on it). A null `lwaClientId` or `directedCustomerId` leaves its key out. For the DRS simulator.
 */
export function buildDrsNotification(notification: DrsNotification): string {
  const head = {
    notificationInfo: {
      notificationType: notification.type,
      ...(notification.lwaClientId !== null ? { lwaClientId: notification.lwaClientId } : {}),
      notificationTime: notification.notificationTime,
      notificationId: notification.notificationId,
      version: DRS_NOTIFICATION_INFO_VERSION,
    },
    deviceInfo: {
      deviceIdentifier: { serialNumber: notification.serialNumber },
      productIdentifier: { modelId: notification.modelId },
    },
  };
  const customer = customerInfo(notification);

  switch (notification.type) {
    case 'OrderPlacedNotification':
    case 'ItemShippedNotification':
      return JSON.stringify({ ...head, ...customer, orderInfo: orderInfo(notification.order, notification.version) });
    case 'OrderCancelledNotification':
      return JSON.stringify({
        ...head,
        ...customer,
        orderInfo: { instanceId: notification.order.instanceId, slotId: notification.order.slotId },
      });
    case 'SubscriptionChangedNotification':
      // The samples put subscriptionInfo before customerInfo.
      return JSON.stringify({ ...head, subscriptionInfo: subscriptionInfo(notification), ...customer });
    case 'DeviceRegisteredNotification':
    case 'DeviceDeregisteredNotification':
      return JSON.stringify({ ...head, ...customer });
  }
}

/**
 * The SNS `MessageAttributes` DRS adds to v2.0 OrderPlaced, ItemShipped and SubscriptionChanged
 * notifications (the documentation's `"type"`/number spelling is a sample defect; SNS writes `Type` and a
 * string); undefined for every other notification. Not signed, and not used by the parser.
 */
export function buildDrsMessageAttributes(
  notification: DrsNotification,
): Record<string, { Type: string; Value: string }> | undefined {
  const versioned =
    notification.type === 'OrderPlacedNotification' ||
    notification.type === 'ItemShippedNotification' ||
    notification.type === 'SubscriptionChangedNotification';
  return versioned && notification.version === '2.0' ? { version: { Type: 'String', Value: '2.0' } } : undefined;
}

function customerInfo(notification: DrsNotificationCommon): { customerInfo?: { directedCustomerId: string } } {
  return notification.directedCustomerId === null
    ? {}
    : { customerInfo: { directedCustomerId: notification.directedCustomerId } };
}

function orderInfo(order: DrsOrder, version: DrsNotificationCommon['version']): Record<string, unknown> {
  if (version === '2.0') {
    return {
      instanceId: order.instanceId,
      slotId: order.slotId,
      productInfo: order.products.map((product, index) => {
        if (product.asin === null) {
          throw new SnsError(SnsErrorCode.DRS_BUILD_INVALID_INPUT, `v2.0 order product ${index} needs an asin`);
        }
        return {
          quantity: product.quantity,
          unit: product.unit,
          asin: product.asin,
          ...(product.estimatedDeliveryDate !== null ? { estimatedDeliveryDate: product.estimatedDeliveryDate } : {}),
        };
      }),
    };
  }
  const dates = new Set(order.products.map((product) => product.estimatedDeliveryDate).filter((d) => d !== null));
  if (dates.size > 1) {
    throw new SnsError(
      SnsErrorCode.DRS_BUILD_INVALID_INPUT,
      'a v1.0 order has one estimatedDeliveryDate, but its products have several',
    );
  }
  const [date] = dates;
  return {
    instanceId: order.instanceId,
    slotId: order.slotId,
    productInfo: order.products.map((product) => ({ quantity: product.quantity, unit: product.unit })),
    ...(date !== undefined ? { estimatedDeliveryDate: date } : {}),
  };
}

function subscriptionInfo(notification: SubscriptionChangedNotification): Record<string, unknown> {
  const slots = Object.entries(notification.subscriptions).map(([slotId, slot]) => [
    slotId,
    notification.version === '1.0'
      ? slot.subscribed
      : {
          subscribed: slot.subscribed,
          productInfoList: slot.products.map((product) => ({
            quantity: product.quantity,
            unit: product.unit,
            asin: product.asin,
          })),
        },
  ]);
  return { slotsSubscriptionStatus: Object.fromEntries(slots) };
}
