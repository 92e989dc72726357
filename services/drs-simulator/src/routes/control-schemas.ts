import { Type } from '@sinclair/typebox';

/**
 * Request schemas of the control API. It is the simulator's own API (no Restock service reads it), so
 * its schemas live here rather than in `@restock/events`.
 */

const Identifier = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9+_-]+$' });
const SlotId = Type.String({ minLength: 1, maxLength: 255 });
const Asin = Type.String({ minLength: 1, maxLength: 64 });
const ProductUnitTypeSchema = Type.Union([Type.Literal('volume'), Type.Literal('weight'), Type.Literal('count')]);
const TopicArn = Type.String({ pattern: '^arn:aws:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$' });
const Rate = Type.Number({ minimum: 0, maximum: 1 });
// A pattern, not `format: 'uuid'`: formats need the registry that @restock/events fills, which this
// dev tool does not load.
const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });

export const SlotDefinitionInput = Type.Object(
  {
    slotId: SlotId,
    asin: Asin,
    /** The product's size: `3` `l`, `40` `pods`, `12` `oz` (with unitType weight)... */
    quantity: Type.Number({ exclusiveMinimum: 0 }),
    unit: Type.String({ minLength: 1, maxLength: 40 }),
    /** Needed only when the unit alone is ambiguous (`oz`, `ounces`). */
    unitType: Type.Optional(ProductUnitTypeSchema),
  },
  { additionalProperties: false },
);

export const DeviceModelInput = Type.Object(
  {
    slots: Type.Array(SlotDefinitionInput, { minItems: 1, maxItems: 32 }),
    topicArn: Type.Optional(TopicArn),
  },
  { additionalProperties: false },
);

export const RegistrationInput = Type.Object(
  {
    modelId: Identifier,
    serialNumber: Identifier,
    isTestDevice: Type.Boolean({ default: false }),
    marketplace: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
    directedCustomerId: Type.Optional(Type.String({ pattern: '^amzn1\\.account\\.[A-Za-z0-9]+$' })),
    redirectUri: Type.Optional(Type.String({ minLength: 1 })),
    slots: Type.Optional(Type.Array(SlotDefinitionInput, { minItems: 1, maxItems: 32 })),
    unsubscribedSlots: Type.Optional(Type.Array(SlotId)),
  },
  { additionalProperties: false },
);

export const RelinkInput = Type.Object(
  { redirectUri: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);

export const SlotChangeInput = Type.Object(
  {
    subscribed: Type.Optional(Type.Boolean()),
    /** null clears the choice: the slot then has no product and replenish answers "unsubscribed". */
    asin: Type.Optional(Type.Union([Asin, Type.Null()])),
    quantity: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    unitType: Type.Optional(ProductUnitTypeSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SubscribeInput = Type.Object(
  { endpoint: Type.String({ minLength: 1, maxLength: 2048 }), topic: Type.Optional(TopicArn) },
  { additionalProperties: false },
);

export const FaultsInput = Type.Object(
  {
    seed: Type.Optional(Type.Integer()),
    api: Type.Optional(
      Type.Object(
        {
          failRate: Type.Optional(Rate),
          slowRate: Type.Optional(Rate),
          slowMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
          tokenExpiryRate: Type.Optional(Rate),
        },
        { additionalProperties: false },
      ),
    ),
    notifications: Type.Optional(
      Type.Object(
        {
          duplicateRate: Type.Optional(Rate),
          lateRate: Type.Optional(Rate),
          lateSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
          reorderWindow: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
          reorderMaxHoldSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    orders: Type.Optional(Type.Object({ resolutionRate: Type.Optional(Rate) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const ExpireTokensInput = Type.Object({ registrationId: Type.Optional(Uuid) }, { additionalProperties: false });

export const AdvanceInput = Type.Object(
  { seconds: Type.Number({ minimum: 0, maximum: 31_536_000 }) },
  { additionalProperties: false },
);

export const RegistrationParams = Type.Object({ registrationId: Uuid });
export const SlotParams = Type.Object({ registrationId: Uuid, slotId: SlotId });
export const ModelParams = Type.Object({ modelId: Identifier });
export const OrderParams = Type.Object({ eventInstanceId: Type.String({ minLength: 1, maxLength: 255 }) });
export const SubscriptionParams = Type.Object({ subscriptionArn: Type.String({ minLength: 1 }) });

export const RegistrationsQuery = Type.Object({
  modelId: Type.Optional(Type.String()),
  serialNumber: Type.Optional(Type.String()),
  active: Type.Optional(Type.Boolean()),
});
export const OrdersQuery = Type.Object({
  registrationId: Type.Optional(Uuid),
  status: Type.Optional(
    Type.Union([
      Type.Literal('resolving'),
      Type.Literal('placed'),
      Type.Literal('shipped'),
      Type.Literal('delivered'),
      Type.Literal('cancelled'),
    ]),
  ),
});
export const ByRegistrationQuery = Type.Object({ registrationId: Type.Optional(Uuid) });
export const NotificationsQuery = Type.Object({
  registrationId: Type.Optional(Uuid),
  type: Type.Optional(Type.String()),
});
export const DeliveriesQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('held'), Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  ),
  subscriptionArn: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
});
