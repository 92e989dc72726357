import { createCodec, Topics } from '@restock/events';
import { withTransaction } from '@restock/postgres';
import { createTestDatabase } from '@restock/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './log.js';
import { createOutboxRelay, enqueueEvents } from './outbox.js';
import { createProducer } from './producer.js';
import { consumptionEvent } from './test-support/events.js';
import { createTestKafka, createTestTopics, migrateBusTables, readTopic, testSuffix } from './testing.js';

const codec = createCodec(Topics.consumption);
const kafka = createTestKafka('bus-outbox');
const producer = createProducer(kafka, { log: silentLog });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let topics: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  topics = await createTestTopics(kafka);
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
});

async function freshSchema(): Promise<string> {
  const schema = `o_${testSuffix()}`;
  await migrateBusTables(db.url, schema);
  return schema;
}

describe('the transactional outbox', () => {
  it('publishes events committed while no relay ran (a crash between commit and publish loses nothing)', async () => {
    const schema = await freshSchema();
    const topic = topics['consumption.v1']!;
    const events = Array.from({ length: 30 }, (_, i) => consumptionEvent(i));
    await withTransaction(db.pool, (tx) => enqueueEvents(tx, schema, codec, events, topic));
    // A rolled-back transaction's events never leave.
    const ghost = consumptionEvent(99);
    await expect(
      withTransaction(db.pool, async (tx) => {
        await enqueueEvents(tx, schema, codec, [ghost], topic);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const relay = createOutboxRelay({ databaseUrl: db.url, pool: db.pool, schema, producer, log: silentLog });
    relay.start();
    const seen = await readTopic(kafka, topic, 31, 6_000);
    await relay.stop();
    expect(seen.map((m) => m.headers?.['event-id']?.toString()).sort()).toEqual(events.map((e) => e.id).sort());
    expect(await relay.pending()).toBe(0);
  });

  it('re-publishes under the same event id after a crash between publish and delete', async () => {
    const schema = await freshSchema();
    const topic = topics['orders.v1']!;
    const events = Array.from({ length: 10 }, (_, i) => consumptionEvent(i));
    await withTransaction(db.pool, (tx) => enqueueEvents(tx, schema, codec, events, topic));

    const crashing = createOutboxRelay({
      databaseUrl: db.url,
      pool: db.pool,
      schema,
      producer,
      log: silentLog,
      afterPublish: () => {
        throw new Error('process died after the broker acknowledged');
      },
    });
    await expect(crashing.drain()).rejects.toThrow('process died');
    await crashing.stop();
    expect(await crashing.pending()).toBe(10);

    const relay = createOutboxRelay({ databaseUrl: db.url, pool: db.pool, schema, producer, log: silentLog });
    expect(await relay.drain()).toBe(10);
    await relay.stop();

    const seen = await readTopic(kafka, topic, 20, 15_000);
    expect(seen).toHaveLength(20);
    const byId = new Map<string, string[]>();
    for (const m of seen) {
      const id = m.headers?.['event-id']?.toString() ?? '';
      byId.set(id, [...(byId.get(id) ?? []), m.value?.toString() ?? '']);
    }
    expect([...byId.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    for (const [id, values] of byId) {
      expect(values).toHaveLength(2);
      expect(values[0]).toBe(values[1]);
      expect(JSON.parse(values[0] ?? '{}').id).toBe(id);
    }
  });

  it('keeps the order of one key across transactions', async () => {
    const schema = await freshSchema();
    const topic = topics['subscriptions.v1']!;
    const events = Array.from({ length: 60 }, (_, i) => consumptionEvent(i, 1));
    for (let i = 0; i < events.length; i += 7) {
      await withTransaction(db.pool, (tx) => enqueueEvents(tx, schema, codec, events.slice(i, i + 7), topic));
    }
    const relay = createOutboxRelay({
      databaseUrl: db.url,
      pool: db.pool,
      schema,
      producer,
      log: silentLog,
      batchSize: 8,
    });
    relay.start();
    const seen = await readTopic(kafka, topic, 60, 15_000);
    await relay.stop();
    expect(seen.map((m) => JSON.parse(m.value?.toString() ?? '{}').data.sequence)).toEqual(
      events.map((e) => e.data.sequence),
    );
  });

  it('lets only one relay of a schema publish at a time', async () => {
    const schema = await freshSchema();
    const topic = topics['adjustments.v1']!;
    const events = Array.from({ length: 40 }, (_, i) => consumptionEvent(i));
    const relays = [0, 1, 2].map(() =>
      createOutboxRelay({ databaseUrl: db.url, pool: db.pool, schema, producer, log: silentLog, pollInterval: 50 }),
    );
    for (const r of relays) r.start();
    for (let i = 0; i < events.length; i += 4) {
      await withTransaction(db.pool, (tx) => enqueueEvents(tx, schema, codec, events.slice(i, i + 4), topic));
    }
    const seen = await readTopic(kafka, topic, 41, 6_000);
    for (const r of relays) await r.stop();
    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((m) => m.headers?.['event-id']?.toString())).size).toBe(40);
  });
});
