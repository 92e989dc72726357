import { type Static, Type } from '@sinclair/typebox';
import { CanonicalUnit, ReportedQuantity, SlotId } from './common.js';
import { eventSchema } from './envelope.js';

const Reading = {
  slotId: SlotId,
  /** In the slot's canonical unit, converted exactly by ingest. */
  quantity: Type.Number({ minimum: 0 }),
  unit: CanonicalUnit,
  /** As the device sent it. */
  reported: ReportedQuantity,
  /** The device's own monotonically increasing counter; orders readings of one device. */
  sequence: Type.Integer({ minimum: 0 }),
};

/** A delta: this much was used. The envelope id is the device's own event id. */
export const ConsumptionReported = eventSchema(
  'ConsumptionReported',
  1,
  Type.Object(Reading, { additionalProperties: false }),
);
export type ConsumptionReported = Static<typeof ConsumptionReported>;

/** An absolute reading: this much is left. */
export const LevelReported = eventSchema('LevelReported', 1, Type.Object(Reading, { additionalProperties: false }));
export type LevelReported = Static<typeof LevelReported>;
