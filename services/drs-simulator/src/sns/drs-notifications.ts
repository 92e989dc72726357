import type {
  DeviceDeregisteredNotification,
  DeviceRegisteredNotification,
  DrsNotificationCommon,
  DrsNotificationVersion,
  ItemShippedNotification,
  OrderCancelledNotification,
  OrderPlacedNotification,
  SubscriptionChangedNotification,
} from '@restock/sns';
import { marketplaceQuantity } from '../domain/product-quantity.js';
import { notificationSubscriptions, type SlotSubscription } from '../domain/slot-subscription.js';
import type { Order } from '../store/orders-store.js';
import type { Registration } from '../store/registrations-store.js';

/** What every notification about a device carries besides its own part. */
export interface NotificationStamp {
  notificationId: string;
  /** Simulated time the notification is sent. */
  notificationTime: Date;
  lwaClientId: string;
  /** The configured shape of the three versioned types. */
  version: DrsNotificationVersion;
}

function common(
  registration: Registration,
  stamp: NotificationStamp,
  version: DrsNotificationVersion,
): DrsNotificationCommon {
  return {
    version,
    notificationId: stamp.notificationId,
    notificationTime: stamp.notificationTime.toISOString(),
    lwaClientId: stamp.lwaClientId,
    modelId: registration.modelId,
    serialNumber: registration.serialNumber,
    directedCustomerId: registration.directedCustomerId,
  };
}

/** DRS writes delivery dates in whole seconds (`2019-03-08T07:59:59Z`). */
function deliveryDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function orderPart(order: Order, registration: Registration, version: DrsNotificationVersion) {
  const size = marketplaceQuantity(order, registration.marketplace);
  return {
    instanceId: order.eventInstanceId,
    slotId: order.slotId,
    products: [
      {
        // v1.0 has no ASIN; buildDrsNotification leaves it out.
        asin: version === '2.0' ? order.asin : null,
        quantity: size.quantity,
        unit: size.unit,
        estimatedDeliveryDate: deliveryDate(order.estimatedDeliveryAt),
      },
    ],
  };
}

export function orderPlaced(
  order: Order,
  registration: Registration,
  stamp: NotificationStamp,
): OrderPlacedNotification {
  return {
    ...common(registration, stamp, stamp.version),
    type: 'OrderPlacedNotification',
    order: orderPart(order, registration, stamp.version),
  };
}

export function itemShipped(
  order: Order,
  registration: Registration,
  stamp: NotificationStamp,
): ItemShippedNotification {
  return {
    ...common(registration, stamp, stamp.version),
    type: 'ItemShippedNotification',
    order: orderPart(order, registration, stamp.version),
  };
}

export function orderCancelled(
  order: Order,
  registration: Registration,
  stamp: NotificationStamp,
): OrderCancelledNotification {
  return {
    // OrderCancelled has a single shape, which the sns package reports as 1.0.
    ...common(registration, stamp, '1.0'),
    type: 'OrderCancelledNotification',
    order: { instanceId: order.eventInstanceId, slotId: order.slotId },
  };
}

export function subscriptionChanged(
  registration: Registration,
  slots: readonly SlotSubscription[],
  stamp: NotificationStamp,
): SubscriptionChangedNotification {
  const subscriptions = notificationSubscriptions(slots, registration.marketplace);
  return {
    ...common(registration, stamp, stamp.version),
    type: 'SubscriptionChangedNotification',
    subscriptions:
      stamp.version === '2.0'
        ? subscriptions
        : Object.fromEntries(Object.entries(subscriptions).map(([id, s]) => [id, { ...s, products: [] }])),
  };
}

export function deviceRegistered(registration: Registration, stamp: NotificationStamp): DeviceRegisteredNotification {
  return { ...common(registration, stamp, '1.0'), type: 'DeviceRegisteredNotification' };
}

export function deviceDeregistered(
  registration: Registration,
  stamp: NotificationStamp,
): DeviceDeregisteredNotification {
  return { ...common(registration, stamp, '1.0'), type: 'DeviceDeregisteredNotification' };
}
