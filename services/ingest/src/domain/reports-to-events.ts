import type { ConsumptionReported, LevelReported } from '@restock/events';
import {
  type CanonicalQuantity,
  canonicalUnitOf,
  levelToCanonical,
  toCanonical,
  UnitError,
  UnitErrorCode,
  type UnitType,
} from '@restock/units';
import type { DeviceReport } from './device-report.js';
import { IngestErrorCode } from './ingest-error.js';

/** What ingest needs to know of a model's slot to convert a report. */
export interface SlotUnits {
  slotId: string;
  unitType: UnitType;
  /** A full refill, in the canonical unit of `unitType`. */
  capacity: number;
}

/** An event ingest publishes to consumption.v1. */
export type ReportEvent = ConsumptionReported | LevelReported;

/** Why one report cannot be accepted. */
export interface ReportProblem {
  /** JSON pointer into the batch body: `/reports/3/unit`. */
  pointer: string;
  code: IngestErrorCode;
  status: 400 | 404;
  message: string;
  slotId?: string;
  unit?: string;
}

export interface ReportsInput {
  /** The authenticated device. */
  deviceId: string;
  modelId: string;
  reports: readonly DeviceReport[];
  /** The slot of the device's model with this id, if it has one. */
  slotOf: (slotId: string) => SlotUnits | undefined;
  /** The service clock's now: the events' `recordedAt` and the reference for clock skew. */
  recordedAt: Date;
  /** How far ahead of the service clock a device's clock may be, in ms. */
  maxFutureSkewMs: number;
}

/** Either every report became an event, or nothing did and each problem is named. */
export type ReportsDecision = { events: ReportEvent[]; problems: [] } | { events: []; problems: ReportProblem[] };

/**
 * Turns a request's reports into the events ingest publishes, converting every quantity exactly to
 * its slot's canonical unit. All or nothing: one bad report rejects the request, so a device never
 * has to work out which half of a batch got in (ARCHITECTURE principle 6). Pure: no I/O, no clock.
 *
 * Event ids are the device's, lower-cased (UUIDs compare case-insensitively), so a retried report
 * is the same event and readers de-duplicate on it.
 */
export function reportsToEvents(input: ReportsInput): ReportsDecision {
  const problems: ReportProblem[] = [];
  const events: ReportEvent[] = [];
  const firstIndexOf = new Map<string, number>();
  const recordedAt = input.recordedAt.toISOString();
  const latestAllowed = input.recordedAt.getTime() + input.maxFutureSkewMs;

  input.reports.forEach((report, index) => {
    const at = `/reports/${index}`;
    const id = report.eventId.toLowerCase();
    const earlier = firstIndexOf.get(id);
    if (earlier !== undefined) {
      problems.push({
        pointer: `${at}/eventId`,
        code: IngestErrorCode.ING_EVENT_ID_REPEATED,
        status: 400,
        message: `repeats the eventId of /reports/${earlier}; each report needs its own`,
      });
      return;
    }
    firstIndexOf.set(id, index);

    const occurred = Date.parse(report.occurredAt);
    if (occurred > latestAllowed) {
      problems.push({
        pointer: `${at}/occurredAt`,
        code: IngestErrorCode.ING_OCCURRED_IN_FUTURE,
        status: 400,
        message: `is ${Math.ceil((occurred - input.recordedAt.getTime()) / 1000)} s ahead of the service clock; at most ${Math.floor(input.maxFutureSkewMs / 1000)} s of clock skew are allowed`,
      });
    }

    const slot = input.slotOf(report.slotId);
    if (slot === undefined) {
      problems.push({
        pointer: `${at}/slotId`,
        code: IngestErrorCode.ING_SLOT_UNKNOWN,
        status: 404,
        message: `slot "${report.slotId}" is not a slot of device model "${input.modelId}"`,
        slotId: report.slotId,
      });
      return;
    }

    const measured = measure(report, slot, at);
    if ('pointer' in measured) {
      problems.push(measured);
      return;
    }
    const envelope = {
      id,
      version: 1 as const,
      deviceId: input.deviceId,
      // One form for every reader (UTC, ms): readings of a device are ordered by it.
      occurredAt: new Date(occurred).toISOString(),
      recordedAt,
      source: 'ingest',
      data: {
        slotId: slot.slotId,
        quantity: measured.canonical.quantity,
        unit: measured.canonical.unit,
        reported: measured.reported,
        sequence: report.sequence,
      },
    };
    events.push(
      report.type === 'consumed'
        ? { ...envelope, type: 'ConsumptionReported' }
        : { ...envelope, type: 'LevelReported' },
    );
  });

  return problems.length > 0 ? { events: [], problems } : { events, problems: [] };
}

interface Measured {
  canonical: CanonicalQuantity;
  reported: { quantity: number; unit: string };
}

function measure(report: DeviceReport, slot: SlotUnits, at: string): Measured | ReportProblem {
  const incomplete = (field: string, message: string): ReportProblem => ({
    pointer: `${at}/${field}`,
    code: IngestErrorCode.ING_REPORT_INCOMPLETE,
    status: 400,
    message,
  });

  if (report.type === 'consumed') {
    if (report.percent !== undefined) {
      return incomplete('percent', 'is only for level reports; a consumed report gives quantity and unit');
    }
    if (report.quantity === undefined) return incomplete('quantity', 'is required for a consumed report');
    if (report.unit === undefined) return incomplete('unit', 'is required with quantity');
    const { quantity, unit } = report;
    return convert(() => toCanonical(quantity, unit, slot.unitType), { quantity, unit }, slot, at, 'quantity');
  }

  if (report.percent !== undefined) {
    if (report.quantity !== undefined || report.unit !== undefined) {
      return incomplete('percent', 'a level gives either percent, or quantity and unit, not both');
    }
    const percent = report.percent;
    // A percent level on a volume, weight or count slot becomes that share of the slot's capacity.
    return convert(() => levelToCanonical(percent, '%', slot), { quantity: percent, unit: '%' }, slot, at, 'percent');
  }
  if (report.quantity === undefined)
    return incomplete('quantity', 'a level report gives quantity and unit, or percent');
  if (report.unit === undefined) return incomplete('unit', 'is required with quantity');
  const { quantity, unit } = report;
  return convert(() => levelToCanonical(quantity, unit, slot), { quantity, unit }, slot, at, 'quantity');
}

function convert(
  conversion: () => CanonicalQuantity,
  reported: { quantity: number; unit: string },
  slot: SlotUnits,
  at: string,
  amountField: 'quantity' | 'percent',
): Measured | ReportProblem {
  try {
    return { canonical: conversion(), reported };
  } catch (error) {
    if (!(error instanceof UnitError)) throw error;
    const named = { slotId: slot.slotId, unit: reported.unit };
    switch (error.code) {
      case UnitErrorCode.UNIT_UNKNOWN:
        return {
          pointer: `${at}/unit`,
          code: IngestErrorCode.ING_UNIT_UNKNOWN,
          status: 400,
          message: `unit "${reported.unit}" is not a unit Restock knows (slot "${slot.slotId}" holds ${describe(slot.unitType)})`,
          ...named,
        };
      case UnitErrorCode.UNIT_WRONG_TYPE:
        return {
          pointer: `${at}/unit`,
          code: IngestErrorCode.ING_UNIT_WRONG_TYPE,
          status: 400,
          message: `unit "${reported.unit}" does not fit slot "${slot.slotId}", which holds ${describe(slot.unitType)}`,
          ...named,
        };
      case UnitErrorCode.UNIT_BAD_QUANTITY:
        return {
          pointer: `${at}/${amountField}`,
          code: IngestErrorCode.ING_QUANTITY_INVALID,
          status: 400,
          message: `${error.message} (slot "${slot.slotId}")`,
          ...named,
        };
      default:
        // UNIT_TYPE_UNKNOWN: the model itself is broken, which catalog.v1's schema rules out.
        throw error;
    }
  }
}

function describe(unitType: UnitType): string {
  return `${unitType} (in ${canonicalUnitOf(unitType)})`;
}
