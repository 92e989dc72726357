import { type Static, Type } from '@sinclair/typebox';
import { CanonicalUnit, SlotId, Timestamp } from './common.js';
import { eventSchema } from './envelope.js';

/** A product line of a DRS order, quantities and units as DRS sent them (the projector converts). */
export const OrderProduct = Type.Object(
  {
    asin: Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()]),
    quantity: Type.Number({ minimum: 0 }),
    unit: Type.String({ minLength: 1, maxLength: 32 }),
    estimatedDeliveryAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);
export type OrderProduct = Static<typeof OrderProduct>;

const DrsNotification = {
  /** DRS `notificationInfo.notificationId`; the bridge de-duplicates on it. */
  notificationId: Type.String({ minLength: 1, maxLength: 255 }),
  /** Also the envelope's occurredAt; kept so consumers can order DRS's own clock. */
  notificationTime: Timestamp,
};

const OrderLine = {
  /** DRS `orderInfo.instanceId` (= the replenish call's eventInstanceId). */
  instanceId: Type.String({ minLength: 1, maxLength: 255 }),
  slotId: SlotId,
  drsSlotId: Type.String({ minLength: 1, maxLength: 255 }),
};

export const OrderPlaced = eventSchema(
  'OrderPlaced',
  1,
  Type.Object(
    { ...OrderLine, ...DrsNotification, products: Type.Array(OrderProduct) },
    { additionalProperties: false },
  ),
);
export type OrderPlaced = Static<typeof OrderPlaced>;

export const ItemShipped = eventSchema(
  'ItemShipped',
  1,
  Type.Object(
    { ...OrderLine, ...DrsNotification, products: Type.Array(OrderProduct) },
    { additionalProperties: false },
  ),
);
export type ItemShipped = Static<typeof ItemShipped>;

export const OrderCancelled = eventSchema(
  'OrderCancelled',
  1,
  Type.Object({ ...OrderLine, ...DrsNotification }, { additionalProperties: false }),
);
export type OrderCancelled = Static<typeof OrderCancelled>;

/** Emitted by the projector's delivery scheduler when a shipment's estimated delivery date is reached. */
export const ShipmentArrived = eventSchema(
  'ShipmentArrived',
  1,
  Type.Object(
    {
      instanceId: OrderLine.instanceId,
      slotId: SlotId,
      quantity: Type.Number({ minimum: 0 }),
      unit: CanonicalUnit,
      /** The estimated delivery date this arrival was scheduled for. */
      scheduledFor: Timestamp,
    },
    { additionalProperties: false },
  ),
);
export type ShipmentArrived = Static<typeof ShipmentArrived>;
