import { type Static, Type } from '@sinclair/typebox';
import { SlotId, Timestamp } from './common.js';
import { eventSchema } from './envelope.js';

/** The policy decided to order. The id is deterministic per (device, slot, reorder cycle). */
export const ReplenishRequested = eventSchema(
  'ReplenishRequested',
  1,
  Type.Object(
    {
      slotId: SlotId,
      cycle: Type.Integer({ minimum: 0 }),
      reason: Type.Object({
        burnRatePerDay: Type.Number({ minimum: 0 }),
        windowDays: Type.Number({ minimum: 0 }),
        stockOnHand: Type.Number(),
        threshold: Type.Number({ minimum: 0 }),
        daysLeft: Type.Union([Type.Number(), Type.Null()]),
        /** When the stock on hand runs out at the expected rate (optional: added after v1 shipped). */
        runOutAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
        /** The policy's rule (`guide` or `adaptive`) and the days of cover and safety stock it used. */
        policy: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        daysOfCover: Type.Optional(Type.Number({ minimum: 0 })),
        safetyStock: Type.Optional(Type.Number({ minimum: 0 })),
      }),
    },
    { additionalProperties: false },
  ),
);
export type ReplenishRequested = Static<typeof ReplenishRequested>;

/** Consumption changed a slot: tell DRS (coalesced per slot by the gateway). */
export const SlotStatusDue = eventSchema(
  'SlotStatusDue',
  1,
  Type.Object(
    {
      slotId: SlotId,
      expectedReplenishmentAt: Type.Union([Timestamp, Type.Null()]),
      /**
       * The InventoryChanged revision this is due for (optional: added after v1 shipped), so the gateway
       * can wait for that state instead of sending an older one.
       */
      revision: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
);
export type SlotStatusDue = Static<typeof SlotStatusDue>;

/**
 * The companion app's Login with Amazon authorization code, to be exchanged by the gateway. The code
 * is single-use and expires in minutes; it is never logged.
 */
export const LinkDrsAccount = eventSchema(
  'LinkDrsAccount',
  1,
  Type.Object(
    {
      customerId: Type.String({ minLength: 1, maxLength: 128 }),
      authorizationCode: Type.String({ minLength: 1, maxLength: 2048 }),
      redirectUri: Type.String({ minLength: 1, maxLength: 2048 }),
    },
    { additionalProperties: false },
  ),
);
export type LinkDrsAccount = Static<typeof LinkDrsAccount>;

export const DeregisterRequested = eventSchema(
  'DeregisterRequested',
  1,
  Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
);
export type DeregisterRequested = Static<typeof DeregisterRequested>;
