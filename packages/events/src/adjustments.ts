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
