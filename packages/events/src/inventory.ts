import { type Static, Type } from '@sinclair/typebox';
import { CanonicalUnit, SlotId, Timestamp, UnitType } from './common.js';
import { eventSchema } from './envelope.js';

export const Shipment = Type.Object(
  {
    instanceId: Type.String({ minLength: 1, maxLength: 255 }),
    quantity: Type.Number({ minimum: 0 }),
    estimatedDeliveryAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);

export const OrderState = Type.Union([
  Type.Literal('placed'),
  Type.Literal('shipped'),
  Type.Literal('arrived'),
  Type.Literal('cancelled'),
]);
export type OrderState = Static<typeof OrderState>;

/** A slot's state after an applied event (quantities in the slot's canonical unit). */
export const InventoryChanged = eventSchema(
  'InventoryChanged',
  1,
  Type.Object(
    {
      slotId: SlotId,
      unitType: UnitType,
      unit: CanonicalUnit,
      level: Type.Number({ minimum: 0 }),
      capacity: Type.Number({ minimum: 0 }),
      spareStock: Type.Number({ minimum: 0 }),
      onTheWay: Type.Array(Shipment),
      stockOnHand: Type.Number({ minimum: 0 }),
      /** What was used beyond zero and could not be subtracted: recorded, not hidden. */
      overdraw: Type.Number({ minimum: 0 }),
      lastUseAt: Type.Union([Timestamp, Type.Null()]),
      registered: Type.Boolean(),
      subscription: Type.Union([
        Type.Object({ subscribed: Type.Boolean(), asin: Type.Union([Type.String(), Type.Null()]) }),
        Type.Null(),
      ]),
      openOrder: Type.Union([
        Type.Object({
          instanceId: Type.String(),
          state: OrderState,
          estimatedDeliveryAt: Type.Union([Timestamp, Type.Null()]),
        }),
        Type.Null(),
      ]),
      /** Monotonic per slot, so a reader keeps the newest state whatever order it sees them in. */
      revision: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
);
export type InventoryChanged = Static<typeof InventoryChanged>;
