import { createCodec, Topics } from '@restock/events';
import { describe, expect, it } from 'vitest';
import type { DeviceReport } from './device-report.js';
import { IngestErrorCode } from './ingest-error.js';
import { type ReportsDecision, reportsToEvents, type SlotUnits } from './reports-to-events.js';

const consumption = createCodec(Topics.consumption);
const NOW = new Date('2025-03-01T12:00:00.000Z');
const SLOTS: Record<string, SlotUnits> = {
  detergent: { slotId: 'detergent', unitType: 'volume', capacity: 3000 },
  ground_coffee: { slotId: 'ground_coffee', unitType: 'weight', capacity: 500 },
  pods: { slotId: 'pods', unitType: 'count', capacity: 40 },
  black_ink: { slotId: 'black_ink', unitType: 'percentage', capacity: 100 },
};

let nextId = 0;
function report(fields: Partial<DeviceReport> & Pick<DeviceReport, 'slotId' | 'type'>): DeviceReport {
  nextId++;
  return {
    eventId: `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`,
    occurredAt: '2025-03-01T11:59:00.000Z',
    sequence: nextId,
    ...fields,
  };
}

function decide(reports: DeviceReport[], at: Date = NOW): ReportsDecision {
  return reportsToEvents({
    deviceId: 'dev-1',
    modelId: 'WM-100',
    reports,
    slotOf: (slotId) => SLOTS[slotId],
    recordedAt: at,
    maxFutureSkewMs: 5 * 60_000,
  });
}

function converted(slotId: string, type: 'consumed' | 'level', quantity: number, unit: string) {
  const decision = decide([report({ slotId, type, quantity, unit })]);
  expect(decision.problems).toEqual([]);
  const data = decision.events[0]!.data;
  return { quantity: data.quantity, unit: data.unit };
}

function onlyProblem(decision: ReportsDecision) {
  expect(decision.events).toEqual([]);
  expect(decision.problems).toHaveLength(1);
  return decision.problems[0]!;
}

// Every spelling of DRS-SNS-SPEC 5a, each with 2 of it in its slot's canonical unit (exact constants
// of the spec, rounded to 6 decimals).
const SPELLINGS: [slotId: string, spellings: string[], expected: number, canonical: string][] = [
  ['detergent', ['liters', 'liter', 'litre', 'litres', 'l', 'L'], 2000, 'ml'],
  ['detergent', ['ml', 'milliliter', 'milliliters', 'millilitre', 'millilitres'], 2, 'ml'],
  // 2 x 29.5735295625 = 59.147059125
  ['detergent', ['fl oz', 'FL OZ', 'fl. oz', 'fluid ounce', 'fluid ounces', 'ounce', 'ounces', 'oz'], 59.147059, 'ml'],
  ['ground_coffee', ['kg', 'kilogram', 'kilograms'], 2000, 'g'],
  ['ground_coffee', ['g', 'gram', 'grams'], 2, 'g'],
  // 2 x 453.59237
  ['ground_coffee', ['lb', 'lbs', 'pound', 'pounds', 'Pounds'], 907.18474, 'g'],
  // 2 x 28.349523125 = 56.69904625
  ['ground_coffee', ['ounce', 'ounces', 'oz', 'OZ'], 56.699046, 'g'],
  ['pods', ['count', 'Count', 'pod', 'pods', 'sheet', 'sheets', 'tablet', 'tablets', 'unit', 'units'], 2, 'count'],
  ['black_ink', ['%', 'percent', 'percentage'], 2, 'percent'],
];

describe('unit conversion of reports', () => {
  for (const [slotId, spellings, expected, canonical] of SPELLINGS) {
    for (const spelling of spellings) {
      it(`converts 2 "${spelling}" consumed in the ${slotId} slot to ${expected} ${canonical}`, () => {
        expect(converted(slotId, 'consumed', 2, spelling)).toEqual({ quantity: expected, unit: canonical });
      });
    }
  }

  it('reads oz as a US fluid ounce in a volume slot and as an avoirdupois ounce in a weight slot', () => {
    expect(converted('detergent', 'consumed', 1, 'oz')).toEqual({ quantity: 29.57353, unit: 'ml' });
    expect(converted('ground_coffee', 'consumed', 1, 'oz')).toEqual({ quantity: 28.349523, unit: 'g' });
  });

  it('converts the DRS guide examples exactly: 103 fl oz and 5.0 l of detergent', () => {
    // 103 x 29.5735295625 = 3046.0735449375
    expect(converted('detergent', 'level', 103, 'fl oz')).toEqual({ quantity: 3046.073545, unit: 'ml' });
    expect(converted('detergent', 'level', 5.0, 'l')).toEqual({ quantity: 5000, unit: 'ml' });
  });

  it('keeps what the device wrote next to the canonical quantity', () => {
    const decision = decide([report({ slotId: 'detergent', type: 'consumed', quantity: 3, unit: 'fl oz' })]);
    expect(decision.events[0]!.data).toMatchObject({
      quantity: 88.720589,
      unit: 'ml',
      reported: { quantity: 3, unit: 'fl oz' },
    });
  });

  it('rejects a unit of another type, naming the slot and the unit at the unit field', () => {
    const problem = onlyProblem(
      decide([
        report({ slotId: 'detergent', type: 'consumed', quantity: 1, unit: 'ml' }),
        report({ slotId: 'detergent', type: 'consumed', quantity: 1, unit: 'kg' }),
      ]),
    );
    expect(problem).toMatchObject({
      pointer: '/reports/1/unit',
      code: IngestErrorCode.ING_UNIT_WRONG_TYPE,
      status: 400,
      slotId: 'detergent',
      unit: 'kg',
    });
    expect(problem.message).toContain('"kg"');
    expect(problem.message).toContain('"detergent"');
  });

  it('rejects pods in a weight slot and grams in a count slot', () => {
    expect(
      onlyProblem(decide([report({ slotId: 'ground_coffee', type: 'consumed', quantity: 1, unit: 'pods' })])).code,
    ).toBe(IngestErrorCode.ING_UNIT_WRONG_TYPE);
    expect(onlyProblem(decide([report({ slotId: 'pods', type: 'level', quantity: 1, unit: 'g' })])).code).toBe(
      IngestErrorCode.ING_UNIT_WRONG_TYPE,
    );
  });

  it('rejects a unit Restock does not know, and gallons, which it refuses to guess', () => {
    for (const unit of ['bananas', 'gallons']) {
      const problem = onlyProblem(decide([report({ slotId: 'detergent', type: 'consumed', quantity: 1, unit })]));
      expect(problem).toMatchObject({ pointer: '/reports/0/unit', code: IngestErrorCode.ING_UNIT_UNKNOWN, unit });
    }
  });
});

describe('levels', () => {
  it('converts a percent level on a volume slot through the slot capacity', () => {
    const decision = decide([report({ slotId: 'detergent', type: 'level', percent: 25 })]);
    expect(decision.events[0]).toMatchObject({
      type: 'LevelReported',
      data: { quantity: 750, unit: 'ml', reported: { quantity: 25, unit: '%' } },
    });
  });

  it('converts a level given as quantity in % on a count slot through the capacity', () => {
    expect(converted('pods', 'level', 50, '%')).toEqual({ quantity: 20, unit: 'count' });
  });

  it('keeps a percent level on a percentage slot as it is', () => {
    const decision = decide([report({ slotId: 'black_ink', type: 'level', percent: 37 })]);
    expect(decision.events[0]!.data).toMatchObject({ quantity: 37, unit: 'percent' });
  });

  it('rejects a level above 100 % at its quantity', () => {
    const problem = onlyProblem(decide([report({ slotId: 'black_ink', type: 'level', quantity: 120, unit: '%' })]));
    expect(problem).toMatchObject({ pointer: '/reports/0/quantity', code: IngestErrorCode.ING_QUANTITY_INVALID });
  });

  it('rejects a level that gives both percent and a quantity', () => {
    const problem = onlyProblem(
      decide([report({ slotId: 'detergent', type: 'level', percent: 20, quantity: 1, unit: 'l' })]),
    );
    expect(problem).toMatchObject({ pointer: '/reports/0/percent', code: IngestErrorCode.ING_REPORT_INCOMPLETE });
  });

  it('rejects a level with neither percent nor quantity', () => {
    expect(onlyProblem(decide([report({ slotId: 'detergent', type: 'level' })])).pointer).toBe('/reports/0/quantity');
  });
});

describe('report rules', () => {
  it('makes a consumed report a ConsumptionReported and a level a LevelReported, in request order', () => {
    const decision = decide([
      report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pod' }),
      report({ slotId: 'pods', type: 'level', quantity: 30, unit: 'pods' }),
    ]);
    expect(decision.events.map((e) => e.type)).toEqual(['ConsumptionReported', 'LevelReported']);
  });

  it('builds envelopes with the device event id, device clock occurredAt and service clock recordedAt', () => {
    const sent = report({
      slotId: 'pods',
      type: 'consumed',
      quantity: 2,
      unit: 'pods',
      occurredAt: '2025-03-01T12:30:00+01:00',
      sequence: 41,
    });
    sent.eventId = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
    const event = decide([sent]).events[0]!;
    expect(event).toEqual({
      id: 'abcdef01-2345-4678-9abc-def012345678',
      type: 'ConsumptionReported',
      version: 1,
      deviceId: 'dev-1',
      occurredAt: '2025-03-01T11:30:00.000Z',
      recordedAt: '2025-03-01T12:00:00.000Z',
      source: 'ingest',
      data: { slotId: 'pods', quantity: 2, unit: 'count', reported: { quantity: 2, unit: 'pods' }, sequence: 41 },
    });
    expect(() => consumption.assertValid(event)).not.toThrow();
  });

  it('rejects a consumed report that gives percent', () => {
    const problem = onlyProblem(decide([report({ slotId: 'black_ink', type: 'consumed', percent: 2 })]));
    expect(problem).toMatchObject({ pointer: '/reports/0/percent', code: IngestErrorCode.ING_REPORT_INCOMPLETE });
  });

  it('rejects a consumed report without a unit', () => {
    expect(onlyProblem(decide([report({ slotId: 'pods', type: 'consumed', quantity: 2 })])).pointer).toBe(
      '/reports/0/unit',
    );
  });

  it('answers 404 at the slot id for a slot the model does not have', () => {
    const problem = onlyProblem(decide([report({ slotId: 'bleach', type: 'consumed', quantity: 1, unit: 'ml' })]));
    expect(problem).toMatchObject({
      pointer: '/reports/0/slotId',
      code: IngestErrorCode.ING_SLOT_UNKNOWN,
      status: 404,
    });
    expect(problem.message).toContain('"bleach"');
  });

  it('accepts occurredAt up to five minutes ahead of the service clock and rejects it beyond', () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(
      decide([report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pod', occurredAt: at(300_000) })])
        .problems,
    ).toEqual([]);
    const problem = onlyProblem(
      decide([report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pod', occurredAt: at(301_000) })]),
    );
    expect(problem).toMatchObject({ pointer: '/reports/0/occurredAt', code: IngestErrorCode.ING_OCCURRED_IN_FUTURE });
  });

  it('rejects a request that repeats an event id, at the repeat', () => {
    const first = report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pod' });
    const again = {
      ...report({ slotId: 'pods', type: 'consumed', quantity: 2, unit: 'pod' }),
      eventId: first.eventId.toUpperCase(),
    };
    const problem = onlyProblem(decide([first, again]));
    expect(problem).toMatchObject({ pointer: '/reports/1/eventId', code: IngestErrorCode.ING_EVENT_ID_REPEATED });
  });

  it('accepts nothing when one report of a batch is bad, and names every bad one', () => {
    const decision = decide([
      report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'pod' }),
      report({ slotId: 'pods', type: 'consumed', quantity: 1, unit: 'ml' }),
      report({ slotId: 'bleach', type: 'consumed', quantity: 1, unit: 'ml' }),
    ]);
    expect(decision.events).toEqual([]);
    expect(decision.problems.map((p) => p.pointer)).toEqual(['/reports/1/unit', '/reports/2/slotId']);
  });
});
