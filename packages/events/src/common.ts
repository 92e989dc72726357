import { type Static, Type } from '@sinclair/typebox';
import './formats.js';

/** Restock's device id: opaque, URL-safe. */
export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' });
/** A slot id of a device model, e.g. `black_ink`, `detergent`. */
export const SlotId = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
/** DRS model ids and serial numbers: at most 64 characters of [A-Za-z0-9-+_] (LWA scope rule). */
export const DrsIdentifier = Type.String({ pattern: '^[A-Za-z0-9+_-]{1,64}$' });
export const Timestamp = Type.String({ format: 'date-time' });
export const Uuid = Type.String({ format: 'uuid' });
export const UnitType = Type.Union([
  Type.Literal('volume'),
  Type.Literal('weight'),
  Type.Literal('count'),
  Type.Literal('percentage'),
]);
export type UnitType = Static<typeof UnitType>;
/** The canonical unit of each unit type: millilitre, gram, count, percent. */
export const CanonicalUnit = Type.Union([
  Type.Literal('ml'),
  Type.Literal('g'),
  Type.Literal('count'),
  Type.Literal('percent'),
]);
export type CanonicalUnit = Static<typeof CanonicalUnit>;
/** A quantity as the source wrote it, kept for audit next to its canonical value. */
export const ReportedQuantity = Type.Object({
  quantity: Type.Number(),
  unit: Type.String({ minLength: 1, maxLength: 32 }),
});
export type ReportedQuantity = Static<typeof ReportedQuantity>;
export const Marketplace = Type.String({ pattern: '^[A-Z]{2}$' });
export const Asin = Type.String({ pattern: '^[A-Z0-9]{10}$' });
