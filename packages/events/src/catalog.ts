import { type Static, Type } from '@sinclair/typebox';
import { Asin, DeviceId, DrsIdentifier, Marketplace, SlotId, Timestamp, UnitType } from './common.js';
import { eventSchema, keyedEventSchema } from './envelope.js';

/** One consumable slot of a device model, as defined in the DRS self-service portal. */
export const ModelSlot = Type.Object(
  {
    slotId: SlotId,
    unitType: UnitType,
    /** Content of a full refill, in the unit type's canonical unit (ml, g, count, percent). */
    capacity: Type.Number({ exclusiveMinimum: 0 }),
    /** Daily use assumed before a device has history, canonical unit per day. */
    defaultDailyUse: Type.Number({ minimum: 0 }),
    /** The slot id DRS assigns (the portal's "replenishment id"); opaque. */
    replenishmentId: Type.String({ minLength: 1, maxLength: 255 }),
    optional: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type ModelSlot = Static<typeof ModelSlot>;

export const MarketplaceListing = Type.Object(
  {
    deviceName: Type.String({ minLength: 1, maxLength: 100 }),
    slotNames: Type.Record(SlotId, Type.String({ minLength: 1, maxLength: 100 })),
    asins: Type.Record(SlotId, Type.Array(Asin, { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type MarketplaceListing = Static<typeof MarketplaceListing>;

export const DeviceModel = Type.Object(
  {
    modelId: DrsIdentifier,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([
      Type.Literal('printer'),
      Type.Literal('washing_machine'),
      Type.Literal('dishwasher'),
      Type.Literal('coffee_machine'),
      Type.Literal('other'),
    ]),
    slots: Type.Array(ModelSlot, { minItems: 1, maxItems: 32 }),
    marketplaces: Type.Record(Marketplace, MarketplaceListing),
    image: Type.Union([
      Type.Object({ contentType: Type.String(), sha256: Type.String(), bytes: Type.Integer() }),
      Type.Null(),
    ]),
    certifiedAt: Type.Union([Timestamp, Type.Null()]),
    revision: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type DeviceModel = Static<typeof DeviceModel>;

/** The whole current state of a device; every device event on `catalog.v1` carries it (compaction keeps the last). */
export const DeviceState = Type.Object(
  {
    deviceId: DeviceId,
    modelId: DrsIdentifier,
    serialNumber: DrsIdentifier,
    marketplace: Marketplace,
    /** The manufacturer's customer (companion app user) once claimed. */
    customerId: Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()]),
    /** SHA-256 of the device credential; the credential itself is shown once and never stored. */
    credentialHash: Type.Union([Type.String({ pattern: '^[0-9a-f]{64}$' }), Type.Null()]),
    credentialRevision: Type.Integer({ minimum: 0 }),
    testDevice: Type.Boolean(),
    provisionedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type DeviceState = Static<typeof DeviceState>;

export const DeviceModelDefined = keyedEventSchema('DeviceModelDefined', 1, DeviceModel);
export type DeviceModelDefined = Static<typeof DeviceModelDefined>;
export const DeviceModelDeleted = keyedEventSchema(
  'DeviceModelDeleted',
  1,
  Type.Object({ modelId: DrsIdentifier }, { additionalProperties: false }),
);
export type DeviceModelDeleted = Static<typeof DeviceModelDeleted>;
export const DeviceProvisioned = eventSchema('DeviceProvisioned', 1, DeviceState);
export type DeviceProvisioned = Static<typeof DeviceProvisioned>;
export const DeviceClaimed = eventSchema('DeviceClaimed', 1, DeviceState);
export type DeviceClaimed = Static<typeof DeviceClaimed>;
export const DeviceCredentialRotated = eventSchema('DeviceCredentialRotated', 1, DeviceState);
export type DeviceCredentialRotated = Static<typeof DeviceCredentialRotated>;
export const DeviceCredentialRevoked = eventSchema('DeviceCredentialRevoked', 1, DeviceState);
export type DeviceCredentialRevoked = Static<typeof DeviceCredentialRevoked>;
