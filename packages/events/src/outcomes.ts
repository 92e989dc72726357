import { type Static, Type } from '@sinclair/typebox';
import { SlotId, Timestamp, Uuid } from './common.js';
import { eventSchema } from './envelope.js';

/** DRS's answer to one command, published by the gateway. */
export const DrsCallCompleted = eventSchema(
  'DrsCallCompleted',
  1,
  Type.Object(
    {
      commandId: Uuid,
      commandType: Type.String({ minLength: 1, maxLength: 100 }),
      operation: Type.Union([
        Type.Literal('replenish'),
        Type.Literal('slotStatus'),
        Type.Literal('deviceStatus'),
        Type.Literal('subscriptionInfo'),
        Type.Literal('getOrderInfo'),
        Type.Literal('deregister'),
        Type.Literal('tokenExchange'),
      ]),
      outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
      httpStatus: Type.Union([Type.Integer(), Type.Null()]),
      detailCode: Type.Union([Type.String(), Type.Null()]),
      eventInstanceId: Type.Union([Type.String(), Type.Null()]),
      slotId: Type.Union([Type.String(), Type.Null()]),
      error: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      /** getOrderInfo's answer for the order (optional: added after v1 shipped). */
      orderInfo: Type.Optional(
        Type.Object(
          {
            /** DRS's status as sent (`Processing`, `Shipped`, `Cancelled`/`Canceled`...). */
            status: Type.String({ maxLength: 64 }),
            expectedDeliveryAt: Type.Union([Timestamp, Type.Null()]),
          },
          { additionalProperties: false },
        ),
      ),
      /**
       * subscriptionInfo's answer per Restock slot id (optional: added after v1 shipped), so a lost
       * SubscriptionChanged notification can be reconciled.
       */
      subscriptions: Type.Optional(
        Type.Record(
          SlotId,
          Type.Object(
            {
              drsSlotId: Type.String({ minLength: 1, maxLength: 255 }),
              subscribed: Type.Boolean(),
              asin: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    },
    { additionalProperties: false },
  ),
);
export type DrsCallCompleted = Static<typeof DrsCallCompleted>;
