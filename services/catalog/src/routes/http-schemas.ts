import {
  DeviceId,
  DeviceModel,
  DrsIdentifier,
  Marketplace,
  MarketplaceListing,
  ModelSlot,
  SlotId,
  Timestamp,
  UnitType,
} from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';
import { MAX_SLOTS } from '../domain/slot-rules.js';

/**
 * The request and response schemas of the admin API. They reuse the event schemas of
 * `@restock/events` wherever the wire shape is the same, so a model accepted here is a model the
 * catalog.v1 codec accepts.
 */

export const ModelParams = Type.Object({ modelId: DrsIdentifier });
export const SlotParams = Type.Object({ modelId: DrsIdentifier, slotId: SlotId });
export const MarketplaceParams = Type.Object({ modelId: DrsIdentifier, marketplace: Marketplace });
export const DeviceParams = Type.Object({ deviceId: DeviceId });

/** If-Match carries the revision a write was based on (the model's ETag); optional, as in RFC 9110. */
export const RevisionHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });

/** A slot as an operator writes it: the replenishment id can wait until Amazon assigns it. */
export const SlotBody = Type.Object(
  {
    slotId: SlotId,
    unitType: UnitType,
    capacity: ModelSlot.properties.capacity,
    defaultDailyUse: ModelSlot.properties.defaultDailyUse,
    replenishmentId: Type.Optional(ModelSlot.properties.replenishmentId),
    optional: ModelSlot.properties.optional,
  },
  { additionalProperties: false },
);
export type SlotBody = Static<typeof SlotBody>;

const SlotList = Type.Array(SlotBody, { minItems: 1, maxItems: MAX_SLOTS });

export const CreateModelBody = Type.Object(
  {
    modelId: DrsIdentifier,
    name: DeviceModel.properties.name,
    kind: Type.Union(DeviceModel.properties.kind.anyOf, { default: 'other' }),
    /** The slots to start with; without them, the kind's template (or one slot for `other`). */
    slots: Type.Optional(SlotList),
  },
  { additionalProperties: false },
);

export const RenameModelBody = Type.Object({ name: DeviceModel.properties.name }, { additionalProperties: false });
export const ReplaceSlotsBody = Type.Object({ slots: SlotList }, { additionalProperties: false });
export const ListingBody = MarketplaceListing;

export const ModelListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  after: Type.Optional(DrsIdentifier),
});

export const ModelList = Type.Object({
  models: Type.Array(DeviceModel),
  /** Pass as `after` for the next page; null on the last page. */
  next: Type.Union([DrsIdentifier, Type.Null()]),
});

export const ProvisionBody = Type.Object(
  {
    serialNumber: DrsIdentifier,
    modelId: DrsIdentifier,
    marketplace: Marketplace,
    testDevice: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

/** A device as operators see it: never its credential or claim code, nor their hashes. */
export const DeviceView = Type.Object({
  deviceId: DeviceId,
  modelId: DrsIdentifier,
  serialNumber: DrsIdentifier,
  marketplace: Marketplace,
  testDevice: Type.Boolean(),
  customerId: Type.Union([Type.String(), Type.Null()]),
  claimedAt: Type.Union([Timestamp, Type.Null()]),
  /** False once the credential was revoked (until it is rotated again). */
  credentialActive: Type.Boolean(),
  credentialRevision: Type.Integer(),
  provisionedAt: Timestamp,
  updatedAt: Timestamp,
});
export type DeviceView = Static<typeof DeviceView>;

/** The answer to provisioning: the only time the credential and the claim code are ever shown. */
export const ProvisionedDevice = Type.Composite([
  DeviceView,
  Type.Object({ credential: Type.String(), claimCode: Type.String() }),
]);

/** The answer to a rotation: the only time the new credential is ever shown. */
export const RotatedCredential = Type.Composite([DeviceView, Type.Object({ credential: Type.String() })]);

export const DeviceListQuery = Type.Object({
  modelId: Type.Optional(DrsIdentifier),
  serialNumber: Type.Optional(DrsIdentifier),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  after: Type.Optional(DeviceId),
});

export const DeviceList = Type.Object({
  devices: Type.Array(DeviceView),
  next: Type.Union([DeviceId, Type.Null()]),
});

export const ClaimBody = Type.Object(
  { claimCode: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** What a customer learns about the device they claimed. */
export const ClaimedDevice = Type.Object({
  deviceId: DeviceId,
  modelId: DrsIdentifier,
  serialNumber: DrsIdentifier,
  marketplace: Marketplace,
  customerId: Type.String(),
  claimedAt: Timestamp,
});
