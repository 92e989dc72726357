import { describe, expect, it } from 'vitest';
import { createCodec, type EventDecodeError } from './codec.js';
import { deterministicId } from './ids.js';
import { allTopicSpecs, Topics } from './topics.js';

const codec = createCodec(Topics.consumption);
const valid = {
  id: '0b9e6a0e-8f1e-4c35-9a55-6b1d3c2e4f10',
  type: 'ConsumptionReported',
  version: 1,
  deviceId: 'dev-1',
  occurredAt: '2026-01-01T10:00:00Z',
  recordedAt: '2026-01-01T10:00:01.250Z',
  source: 'ingest',
  data: { slotId: 'pods', quantity: 2, unit: 'count', reported: { quantity: 2, unit: 'pods' }, sequence: 7 },
};

function decodeError(value: unknown): EventDecodeError {
  try {
    codec.decode(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
  } catch (e) {
    return e as EventDecodeError;
  }
  throw new Error('decoded');
}

describe('the event codec', () => {
  it('round-trips a valid event', () => {
    expect(codec.decode(codec.encode(valid as never))).toEqual(valid);
  });

  it('names the exact field that is wrong', () => {
    const e = decodeError({ ...valid, data: { ...valid.data, quantity: -1 } });
    expect(e.code).toBe('EVT_INVALID');
    expect(e.field).toBe('/data/quantity');
    expect(decodeError({ ...valid, occurredAt: 'yesterday' }).field).toBe('/occurredAt');
    expect(decodeError({ ...valid, data: { ...valid.data, reported: { quantity: 2 } } }).field).toBe(
      '/data/reported/unit',
    );
  });

  it('refuses unknown fields, unknown types and versions, and non-JSON', () => {
    expect(decodeError({ ...valid, extra: 1 }).code).toBe('EVT_INVALID');
    expect(decodeError({ ...valid, type: 'OrderPlaced' }).code).toBe('EVT_UNKNOWN_TYPE');
    expect(decodeError({ ...valid, version: 2 }).code).toBe('EVT_UNKNOWN_TYPE');
    expect(decodeError('{"id":').code).toBe('EVT_MALFORMED');
  });

  it('upcasts an older shape before validating it', () => {
    const upcasting = createCodec(Topics.consumption, {
      'UsageReported@1': (e) => ({ ...e, type: 'ConsumptionReported', source: 'upcast' }),
    });
    expect(upcasting.decode(Buffer.from(JSON.stringify({ ...valid, type: 'UsageReported' }))).source).toBe('upcast');
  });

  it('gives the same deterministic id for the same parts and another for other parts', () => {
    const a = deterministicId('replenish', 'dev-1', 'pods', 3);
    expect(a).toBe(deterministicId('replenish', 'dev-1', 'pods', 3));
    expect(a).not.toBe(deterministicId('replenish', 'dev-1', 'pods', 4));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('a|b', 'c')).not.toBe(deterministicId('a', 'b|c'));
  });

  it('declares a DLQ for every catalogue topic and compaction only for the catalog', () => {
    const names = allTopicSpecs().map((s) => s.name);
    for (const t of Object.values(Topics)) expect(names).toContain(`${t.name}.dlq`);
    expect(names).toContain('sns.dlq');
    expect(allTopicSpecs().find((s) => s.name === 'catalog.v1')?.config['cleanup.policy']).toBe('compact');
  });
});
