import { type Static, Type } from '@sinclair/typebox';
import { Uuid } from './common.js';
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
    },
    { additionalProperties: false },
  ),
);
export type DrsCallCompleted = Static<typeof DrsCallCompleted>;
