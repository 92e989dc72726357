import {
  createCodec,
  type DeviceDeregistered,
  type DeviceRegistered,
  deterministicId,
  EventDecodeError,
  type ItemShipped,
  type OrderCancelled,
  type OrderPlaced,
  type OrderProduct,
  type SlotSubscription,
  type SubscriptionChanged,
  type TopicCodec,
  Topics,
} from '@restock/events';
// Types only: the DRS notification shapes are `@restock/sns`'s parser output, and this module stays pure.
import type { DrsNotification, DrsOrder, DrsParseCode } from '@restock/sns';
import { BridgeErrorCode } from './bridge-error.js';

/** `source` of every event the bridge writes. */
export const EVENT_SOURCE = 'sns-bridge';

/** What the bridge's catalog copy knows about the device a notification names. */
export interface KnownDevice {
  deviceId: string;
  /** False while the device's model has not reached the catalog copy. */
  modelKnown: boolean;
  /** DRS slot id (the model slot's `replenishmentId`) -> the model's own slot id. */
  slotIdByDrsSlotId: ReadonlyMap<string, string>;
}

export type OrdersEvent = OrderPlaced | ItemShipped | OrderCancelled;
export type SubscriptionsEvent = DeviceRegistered | SubscriptionChanged | DeviceDeregistered;

/** Why a notification goes to `sns.dlq` instead of a topic; a closed list. */
export type DeadLetterCode =
  | DrsParseCode
  | typeof BridgeErrorCode.BRG_UNKNOWN_DEVICE
  | typeof BridgeErrorCode.BRG_UNKNOWN_SLOT
  | typeof BridgeErrorCode.BRG_UNSUPPORTED
  | typeof BridgeErrorCode.BRG_EVENT_INVALID;

/** What to do with one verified SNS Notification. */
export type Decision =
  | { kind: 'publish'; stream: 'orders'; event: OrdersEvent; notificationId: string }
  | { kind: 'publish'; stream: 'subscriptions'; event: SubscriptionsEvent; notificationId: string }
  | {
      kind: 'dead-letter';
      code: DeadLetterCode;
      reason: string;
      /** Known when the payload parsed; de-duplication at the DRS layer needs it. */
      notificationId: string | null;
    };

// Compiled once at module load (CONVENTIONS habit 3): every decision is checked against its schema, so a
// payload the event cannot carry becomes a dead letter here instead of a failed publish.
/** The codec of `orders.v1`, which the bridge publishes OrderPlaced, ItemShipped and OrderCancelled with. */
export const ordersCodec: TopicCodec<typeof Topics.orders.events> = createCodec(Topics.orders);
/** The codec of `subscriptions.v1`: DeviceRegistered, SubscriptionChanged, DeviceDeregistered. */
export const subscriptionsCodec: TopicCodec<typeof Topics.subscriptions.events> = createCodec(Topics.subscriptions);

// The events' date-time format: a zone offset needs its colon, which DRS-style ISO 8601 may omit.
const EVENT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The envelope id of the event made from a DRS notification: the same notification always gives the same
 * id, so even a publish repeated after a lost acknowledgement is recognisably the same event downstream.
 */
export function notificationEventId(notificationId: string): string {
  return deterministicId('drs-notification', notificationId);
}

/** A `Message` the DRS parser refused (not JSON, unknown type, malformed) is a dead letter with the parser's reason. */
export function deadLetterOfUnparsed(failure: { code: DrsParseCode; reason: string }): Decision {
  return { kind: 'dead-letter', code: failure.code, reason: failure.reason, notificationId: null };
}

/**
 * Maps a parsed DRS notification to its one event: the device and slots resolved through the catalog
 * copy, quantities and units as DRS sent them (the projector converts), `occurredAt` = DRS's
 * `notificationTime`. An unknown device or slot, or content the event cannot carry, is a dead letter
 * naming the reason; nothing is dropped silently. Pure.
 */
export function decideNotification(
  notification: DrsNotification,
  device: KnownDevice | null,
  recordedAt: Date,
): Decision {
  const { notificationId } = notification;
  if (device === null) {
    return deadLetter(
      BridgeErrorCode.BRG_UNKNOWN_DEVICE,
      `no device with model id ${JSON.stringify(notification.modelId)} and serial number ${JSON.stringify(notification.serialNumber)} is in the catalog`,
      notificationId,
    );
  }
  const notificationTime = eventTime(notification.notificationTime);
  const header = {
    id: notificationEventId(notificationId),
    version: 1 as const,
    deviceId: device.deviceId,
    occurredAt: notificationTime,
    recordedAt: recordedAt.toISOString(),
    source: EVENT_SOURCE,
  };
  const drs = { notificationId, notificationTime };

  switch (notification.type) {
    case 'OrderPlacedNotification':
    case 'ItemShippedNotification': {
      const slotId = resolveSlot(device, notification.modelId, notification.order.slotId);
      if (typeof slotId !== 'string') return { ...slotId, notificationId };
      const data = { ...orderLine(notification.order, slotId), ...drs, products: products(notification.order) };
      const event: OrdersEvent =
        notification.type === 'OrderPlacedNotification'
          ? { ...header, type: 'OrderPlaced', data }
          : { ...header, type: 'ItemShipped', data };
      return checkedOrders(event, notificationId);
    }
    case 'OrderCancelledNotification': {
      const slotId = resolveSlot(device, notification.modelId, notification.order.slotId);
      if (typeof slotId !== 'string') return { ...slotId, notificationId };
      const data = { ...orderLine(notification.order, slotId), ...drs };
      return checkedOrders({ ...header, type: 'OrderCancelled', data }, notificationId);
    }
    case 'SubscriptionChangedNotification': {
      const slots: Record<string, SlotSubscription> = {};
      for (const [drsSlotId, subscription] of Object.entries(notification.subscriptions)) {
        const slotId = resolveSlot(device, notification.modelId, drsSlotId);
        if (typeof slotId !== 'string') return { ...slotId, notificationId };
        if (subscription.products.length > 1) {
          return deadLetter(
            BridgeErrorCode.BRG_UNSUPPORTED,
            `DRS slot ${JSON.stringify(drsSlotId)} lists ${subscription.products.length} products; a slot subscription carries one ASIN`,
            notificationId,
          );
        }
        const [product] = subscription.products;
        slots[slotId] = {
          drsSlotId,
          subscribed: subscription.subscribed,
          asin: product?.asin ?? null,
          productQuantity: product?.quantity ?? null,
          productUnit: product?.unit ?? null,
        };
      }
      const data = { ...drs, directedCustomerId: notification.directedCustomerId, slots };
      return checkedSubscriptions({ ...header, type: 'SubscriptionChanged', data }, notificationId);
    }
    case 'DeviceRegisteredNotification': {
      const data = {
        ...drs,
        directedCustomerId: notification.directedCustomerId,
        modelId: notification.modelId,
        serialNumber: notification.serialNumber,
      };
      return checkedSubscriptions({ ...header, type: 'DeviceRegistered', data }, notificationId);
    }
    case 'DeviceDeregisteredNotification': {
      const data = { ...drs, directedCustomerId: notification.directedCustomerId };
      return checkedSubscriptions({ ...header, type: 'DeviceDeregistered', data }, notificationId);
    }
  }
}

function resolveSlot(
  device: KnownDevice,
  modelId: string,
  drsSlotId: string,
): string | { kind: 'dead-letter'; code: DeadLetterCode; reason: string } {
  const slotId = device.slotIdByDrsSlotId.get(drsSlotId);
  if (slotId !== undefined) return slotId;
  const reason = device.modelKnown
    ? `DRS slot id ${JSON.stringify(drsSlotId)} is not the replenishment id of any slot of model ${JSON.stringify(modelId)}`
    : `model ${JSON.stringify(modelId)} of device ${device.deviceId} is not in the catalog, so DRS slot id ${JSON.stringify(drsSlotId)} cannot be resolved`;
  return { kind: 'dead-letter', code: BridgeErrorCode.BRG_UNKNOWN_SLOT, reason };
}

function orderLine(order: Pick<DrsOrder, 'instanceId' | 'slotId'>, slotId: string) {
  return { instanceId: order.instanceId, slotId, drsSlotId: order.slotId };
}

function products(order: DrsOrder): OrderProduct[] {
  return order.products.map((product) => ({
    asin: product.asin,
    quantity: product.quantity,
    unit: product.unit,
    estimatedDeliveryAt: product.estimatedDeliveryDate === null ? null : eventTime(product.estimatedDeliveryDate),
  }));
}

function checkedOrders(event: OrdersEvent, notificationId: string): Decision {
  const problem = schemaProblem(() => ordersCodec.assertValid(event));
  if (problem === null) return { kind: 'publish', stream: 'orders', event, notificationId };
  return invalidEvent(event.type, problem, notificationId);
}

function checkedSubscriptions(event: SubscriptionsEvent, notificationId: string): Decision {
  const problem = schemaProblem(() => subscriptionsCodec.assertValid(event));
  if (problem === null) return { kind: 'publish', stream: 'subscriptions', event, notificationId };
  return invalidEvent(event.type, problem, notificationId);
}

function schemaProblem(assertValid: () => void): string | null {
  try {
    assertValid();
    return null;
  } catch (error) {
    if (error instanceof EventDecodeError) return error.message;
    throw error;
  }
}

function invalidEvent(type: string, problem: string, notificationId: string): Decision {
  return deadLetter(
    BridgeErrorCode.BRG_EVENT_INVALID,
    `the ${type} event made from this notification is invalid at ${problem}`,
    notificationId,
  );
}

function deadLetter(code: DeadLetterCode, reason: string, notificationId: string | null): Decision {
  return { kind: 'dead-letter', code, reason, notificationId };
}

/** DRS's time as sent when the events' format accepts it, else the same instant in UTC. */
function eventTime(value: string): string {
  return EVENT_TIMESTAMP.test(value) ? value : new Date(value).toISOString();
}
