import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RestockError } from '@restock/errors';
import { type ConsumptionReported, createCodec, EventDecodeError, Topics } from '@restock/events';
import { createTestDatabase } from '@restock/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectionConsumer } from './consumer.js';
import { silentLog } from './log.js';
import { createOutboxRelay } from './outbox.js';
import { createProducer } from './producer.js';
import { APPLIED_TABLE_SQL, consumptionEvent } from './test-support/events.js';
import { createTestKafka, createTestTopics, migrateBusTables, readTopic, testBrokers, testSuffix } from './testing.js';

const codec = createCodec(Topics.consumption);
const kafka = createTestKafka('bus-consumer');
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
  const schema = `s_${testSuffix()}`;
  await migrateBusTables(db.url, schema);
  await db.pool.query(
    `SET search_path TO ${schema}; ${APPLIED_TABLE_SQL}`.replace(/applied|totals/g, (t) => `${schema}.${t}`),
  );
  return schema;
}

async function appliedRows(schema: string): Promise<{ event_id: string; n: number }[]> {
  const { rows } = await db.pool.query<{ event_id: string; n: number }>(
    `SELECT event_id, count(*)::int AS n FROM ${schema}.applied GROUP BY event_id`,
  );
  return rows;
}

async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the bus', () => {
  it('publishes validated events and a projection consumer applies each of them once', async () => {
    const schema = await freshSchema();
    const topic = topics['consumption.v1']!;
    const events = Array.from({ length: 50 }, (_, i) => consumptionEvent(i));
    await producer.publish(codec, events, topic);

    const consumer = createProjectionConsumer({
      kafka,
      pool: db.pool,
      schema,
      groupId: `g-${testSuffix()}`,
      subscriptions: [{ topic, codec }],
      log: silentLog,
      handle: async (tx, event) => {
        const e = event as ConsumptionReported;
        await tx.query(`INSERT INTO ${schema}.applied (event_id, device_id, quantity) VALUES ($1, $2, $3)`, [
          e.id,
          e.deviceId,
          e.data.quantity,
        ]);
      },
    });
    await consumer.start();
    const rows = await waitFor(
      () => appliedRows(schema),
      (r) => r.length >= 50,
    );
    await consumer.stop();
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);

    const stored = await db.pool.query<{ total: number }>(
      `SELECT sum(next_offset)::int AS total FROM ${schema}.consumer_offsets`,
    );
    expect(stored.rows[0]?.total).toBe(50);
  });

  it('refuses to publish an event that does not match its schema, naming the field', async () => {
    const bad = consumptionEvent(1) as unknown as { data: { quantity: unknown } };
    bad.data.quantity = 'three';
    const attempt = producer.publish(codec, [bad as unknown as ConsumptionReported], topics['consumption.v1']!);
    await expect(attempt).rejects.toBeInstanceOf(EventDecodeError);
    await expect(attempt).rejects.toMatchObject({ field: '/data/quantity' });
  });

  it('answers a retriable BUS_UNAVAILABLE when the topic does not exist', async () => {
    const attempt = producer.publish(codec, [consumptionEvent(1)], `missing-${testSuffix()}`);
    await expect(attempt).rejects.toBeInstanceOf(RestockError);
  });

  it('dead-letters malformed and unappliable messages with their reason and still applies the ones after them', async () => {
    const schema = await freshSchema();
    const topic = topics['adjustments.v1']!; // any fresh topic; the codec is the consumption one on purpose
    const good1 = consumptionEvent(1);
    const poison = consumptionEvent(2);
    const good2 = consumptionEvent(3);
    const invalid = { ...consumptionEvent(4), data: { ...consumptionEvent(4).data, slotId: 'Not A Slot' } };
    await producer.sendMessages([
      { topic, key: 'dev-1', value: codec.encode(good1), headers: { 'event-id': good1.id } },
      { topic, key: 'dev-1', value: Buffer.from('{not json'), headers: {} },
      { topic, key: 'dev-1', value: Buffer.from(JSON.stringify(invalid)), headers: {} },
      { topic, key: 'dev-1', value: codec.encode(poison), headers: {} },
      { topic, key: 'dev-1', value: codec.encode(good2), headers: {} },
    ]);
    const relay = createOutboxRelay({
      databaseUrl: db.url,
      pool: db.pool,
      schema,
      producer,
      log: silentLog,
      pollInterval: 100,
    });
    relay.start();
    const consumer = createProjectionConsumer({
      kafka,
      pool: db.pool,
      schema,
      groupId: `g-${testSuffix()}`,
      subscriptions: [{ topic, codec }],
      log: silentLog,
      handle: async (tx, event) => {
        const e = event as ConsumptionReported;
        if (e.id === poison.id) throw new RestockError('TEST_POISON', 'this event cannot be applied');
        await tx.query(`INSERT INTO ${schema}.applied (event_id, device_id, quantity) VALUES ($1, $2, $3)`, [
          e.id,
          e.deviceId,
          e.data.quantity,
        ]);
      },
    });
    await consumer.start();
    const rows = await waitFor(
      () => appliedRows(schema),
      (r) => r.length >= 2,
    );
    const dead = await readTopic(kafka, `${topic}.dlq`, 3);
    await consumer.stop();
    await relay.stop();

    expect(rows.map((r) => r.event_id).sort()).toEqual([good1.id, good2.id].sort());
    expect(dead).toHaveLength(3);
    const reasons = dead.map((m) => m.headers?.['dlq-reason']?.toString());
    expect(dead.map((m) => m.headers?.['dlq-code']?.toString())).toEqual([
      'EVT_MALFORMED',
      'EVT_INVALID',
      'TEST_POISON',
    ]);
    expect(reasons[0]).toContain('not JSON');
    expect(reasons[1]).toContain('/data/slotId');
    expect(reasons[2]).toContain('cannot be applied');
    expect(dead[0]?.value?.toString()).toBe('{not json');
    expect(dead.every((m) => m.headers?.['dlq-original-topic']?.toString() === topic)).toBe(true);
  });

  it('loses no event and applies none twice when the consumer is SIGKILLed right after a batch commits, 20 times', async () => {
    const schema = await freshSchema();
    const topic = topics['orders.v1']!; // a fresh topic of this file
    const groupId = `crash-${testSuffix()}`;
    const worker = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
    const published: string[] = [];
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers().join(','),
      SCHEMA: schema,
      GROUP_ID: groupId,
      TOPIC: topic,
      SESSION_TIMEOUT: process.env.TEST_SESSION_TIMEOUT ?? '2000',
    };
    const run = (kill: boolean) =>
      spawn(process.execPath, ['--import', 'tsx', worker], {
        env: { ...env, KILL_AFTER_COMMIT: kill ? '1' : '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    let kills = 0;
    for (let round = 0; round < 20; round++) {
      const events = Array.from({ length: 10 }, (_, i) => consumptionEvent(round * 10 + i));
      await producer.publish(codec, events, topic);
      published.push(...events.map((e) => e.id));
      const child = run(true);
      let stderr = '';
      child.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`round ${round}: the worker did not apply a batch in time`));
        }, 60_000);
        child.on('exit', (_code, sig) => {
          clearTimeout(timer);
          resolve(sig);
        });
      });
      expect(signal, `worker stderr: ${stderr}`).toBe('SIGKILL');
      kills++;
    }
    expect(kills).toBe(20);

    const finisher = run(false);
    const rows = await waitFor(
      () => appliedRows(schema),
      (r) => r.length >= published.length,
      90_000,
    );
    finisher.kill('SIGTERM');
    await new Promise((r) => finisher.on('exit', r));

    expect(rows.length).toBe(published.length);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(published));
  }, 900_000);
});
