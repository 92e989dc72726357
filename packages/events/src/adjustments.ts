import { type Static, Type } from '@sinclair/typebox';
import { CanonicalUnit, ReportedQuantity, SlotId } from './common.js';
import { eventSchema } from './envelope.js';

/** The customer set the level, or added supplies bought outside DRS. */
export const InventoryAdjusted = eventSchema(
  'InventoryAdjusted',
  1,
  Type.Object(
    {
      slotId: SlotId,
      mode: Type.Union([Type.Literal('setLevel'), Type.Literal('addSpare')]),
      quantity: Type.Number({ minimum: 0 }),
      unit: CanonicalUnit,
      reported: ReportedQuantity,
      customerId: Type.String({ minLength: 1, maxLength: 128 }),
    },
    { additionalProperties: false },
  ),
);
export type InventoryAdjusted = Static<typeof InventoryAdjusted>;

/**
 * The customer chose how many days of supplies a slot should keep on hand (days of cover). The
 * reorder policy's threshold is burn rate x days of cover, so it learns the preference from here.
 */
export const SlotPreferencesChanged = eventSchema(
  'SlotPreferencesChanged',
  1,
  Type.Object(
    {
      slotId: SlotId,
      daysOfCover: Type.Integer({ minimum: 1, maximum: 60 }),
      customerId: Type.String({ minLength: 1, maxLength: 128 }),
    },
    { additionalProperties: false },
  ),
);
export type SlotPreferencesChanged = Static<typeof SlotPreferencesChanged>;
