import { type Static, Type } from '@sinclair/typebox';
import { DrsIdentifier, SlotId, Timestamp } from './common.js';
import { eventSchema } from './envelope.js';

const DrsNotification = {
  notificationId: Type.String({ minLength: 1, maxLength: 255 }),
  notificationTime: Timestamp,
  /** DRS's `customerInfo.directedCustomerId`: an attribute of the registration, never an identity. */
  directedCustomerId: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
};

export const DeviceRegistered = eventSchema(
  'DeviceRegistered',
  1,
  Type.Object(
    { ...DrsNotification, modelId: DrsIdentifier, serialNumber: DrsIdentifier },
    { additionalProperties: false },
  ),
);
export type DeviceRegistered = Static<typeof DeviceRegistered>;

export const SlotSubscription = Type.Object(
  {
    drsSlotId: Type.String({ minLength: 1, maxLength: 255 }),
    subscribed: Type.Boolean(),
    /** The ASIN chosen by the customer, when DRS says (v2.0 notifications). */
    asin: Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()]),
    productQuantity: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    productUnit: Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type SlotSubscription = Static<typeof SlotSubscription>;

export const SubscriptionChanged = eventSchema(
  'SubscriptionChanged',
  1,
  Type.Object({ ...DrsNotification, slots: Type.Record(SlotId, SlotSubscription) }, { additionalProperties: false }),
);
export type SubscriptionChanged = Static<typeof SubscriptionChanged>;

export const DeviceDeregistered = eventSchema(
  'DeviceDeregistered',
  1,
  Type.Object({ ...DrsNotification }, { additionalProperties: false }),
);
export type DeviceDeregistered = Static<typeof DeviceDeregistered>;
