import { type Static, type TLiteral, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { DeviceId, Timestamp, Uuid } from './common.js';

/**
 * The envelope every event and command travels in. `id` is the idempotency key: a repeated publish
 * carries the same id and readers de-duplicate on it. `occurredAt` is when it happened at the source,
 * `recordedAt` when Restock recorded it; they differ and both matter (see ARCHITECTURE "Time is explicit").
 */
export function eventSchema<T extends string, D extends TSchema>(type: T, version: number, data: D) {
  return Type.Object(
    {
      id: Uuid,
      type: Type.Literal(type),
      version: Type.Literal(version),
      deviceId: DeviceId,
      occurredAt: Timestamp,
      recordedAt: Timestamp,
      source: Type.String({ minLength: 1, maxLength: 64 }),
      data,
    },
    { $id: `${type}@${version}`, additionalProperties: false },
  );
}

/** Events keyed by something other than a device (device models on `catalog.v1`) carry no deviceId. */
export function keyedEventSchema<T extends string, D extends TSchema>(type: T, version: number, data: D) {
  return Type.Object(
    {
      id: Uuid,
      type: Type.Literal(type),
      version: Type.Literal(version),
      key: Type.String({ minLength: 1, maxLength: 200 }),
      occurredAt: Timestamp,
      recordedAt: Timestamp,
      source: Type.String({ minLength: 1, maxLength: 64 }),
      data,
    },
    { $id: `${type}@${version}`, additionalProperties: false },
  );
}

export type AnyEventSchema = TObject<{
  id: TSchema;
  type: TLiteral<string>;
  version: TLiteral<number>;
  data: TSchema;
  occurredAt: TSchema;
  recordedAt: TSchema;
  source: TSchema;
}>;

/** What every decoded message has, whatever its type. */
export const EnvelopeHeader = Type.Object({
  id: Uuid,
  type: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.Integer({ minimum: 1 }),
  occurredAt: Timestamp,
  recordedAt: Timestamp,
  source: Type.String({ minLength: 1, maxLength: 64 }),
  data: Type.Unknown(),
});
export type EnvelopeHeader = Static<typeof EnvelopeHeader>;
