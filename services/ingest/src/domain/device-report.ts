import { SlotId, Timestamp, Uuid } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';

/** Reports one request may carry. */
export const MAX_REPORTS_PER_REQUEST = 500;

/**
 * One report as a device sends it: a `consumed` delta (`quantity` + `unit`) or a `level` reading
 * (`quantity` + `unit`, or `percent`).
 *
 * Why one object with optional quantity, unit and percent instead of a union of three exact shapes:
 * TypeBox reports a value that fails a union as one error at the union's own path ("Expected union
 * value"), so a union would answer `/body/reports/3` where the device needs `/body/reports/3/unit`.
 * This schema names every unknown or malformed field precisely; which of quantity, unit and percent
 * a report type needs is checked by `reportsToEvents`, with the same precision.
 */
export const DeviceReport = Type.Object(
  {
    /** The device's own id of this report (UUID); resending it is harmless. */
    eventId: Uuid,
    slotId: SlotId,
    type: Type.Union([Type.Literal('consumed'), Type.Literal('level')]),
    /** How much was used (`consumed`) or is left (`level`), in `unit`. */
    quantity: Type.Optional(Type.Number({ minimum: 0 })),
    /** Any spelling of a unit of the slot's unit type (`ml`, `fl oz`, `oz`, `kg`, `pods`, `%`...). */
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    /** A level as a share of a full refill, for any slot. */
    percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** When it happened, by the device's clock (ISO 8601 with an offset). */
    occurredAt: Timestamp,
    /** The device's monotonically increasing counter. */
    sequence: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export type DeviceReport = Static<typeof DeviceReport>;

/**
 * The body of `POST /v1/devices/{deviceId}/reports` once a single report has been wrapped: a device
 * may send one report as the whole body, or `{ "reports": [...] }`.
 */
export const DeviceReportBatch = Type.Object(
  { reports: Type.Array(DeviceReport, { minItems: 1, maxItems: MAX_REPORTS_PER_REQUEST }) },
  { additionalProperties: false },
);
export type DeviceReportBatch = Static<typeof DeviceReportBatch>;

/** The 202 answer: which event ids were published now, and which had been accepted before. */
export const ReportsAccepted = Type.Object(
  {
    accepted: Type.Array(Uuid),
    duplicates: Type.Array(Uuid),
  },
  { additionalProperties: false },
);
export type ReportsAccepted = Static<typeof ReportsAccepted>;
