import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCodec, type InventoryChanged, type TopicCodec, Topics } from '@restock/events';
import { createProducer, silentLog, topicEndOffsets } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { createTestDatabase } from '@restock/postgres/testing';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProjector } from './app.js';
import type { ProjectorConfig } from './config.js';
import { rebuildProjection } from './rebuild.js';
import { interleave, prng, randomHistory, type TopicEvent, WASHER } from './test-support/history.js';
import { dumpProjection, migrateProjection } from './test-support/projection.js';

const kafka = createTestKafka('projector');
const producer = createProducer(kafka, { log: silentLog });
const codecs: Record<TopicEvent['topic'], TopicCodec<readonly TSchema[]>> = {
  catalog: createCodec(Topics.catalog),
  consumption: createCodec(Topics.consumption),
  orders: createCodec(Topics.orders),
  subscriptions: createCodec(Topics.subscriptions),
  adjustments: createCodec(Topics.adjustments),
};
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let topics: Record<string, string>;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  db = await createTestDatabase();
  topics = await createTestTopics(kafka);
  await producer.connect();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await producer.disconnect();
});

function configFor(schema: string, groupId: string): ProjectorConfig {
  return {
    KAFKA_BROKERS: testBrokers().join(','),
    DATABASE_URL: db.url,
    LOG_LEVEL: 'info', // the test waits for the start-up line
    PORT: 0,
    HOST: '127.0.0.1',
    DB_SCHEMA: schema,
    GROUP_ID: groupId,
    TOPIC_CATALOG: topics['catalog.v1']!,
    TOPIC_CONSUMPTION: topics['consumption.v1']!,
    TOPIC_ORDERS: topics['orders.v1']!,
    TOPIC_SUBSCRIPTIONS: topics['subscriptions.v1']!,
    TOPIC_ADJUSTMENTS: topics['adjustments.v1']!,
    TOPIC_INVENTORY: topics['inventory.v1']!,
    DELIVERY_INTERVAL_MS: 200,
    CONSUMER_SESSION_TIMEOUT_MS: 2000,
    PARTITIONS_CONCURRENTLY: 2,
  };
}

function envOf(config: ProjectorConfig): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) };
}

async function publish(events: TopicEvent[]): Promise<void> {
  for (const e of events) {
    await producer.publish(codecs[e.topic], [e.event as never], topics[`${e.topic}.v1`]!);
  }
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** True when the projector has applied every message of its topics and published its outbox. */
async function caughtUp(config: ProjectorConfig): Promise<boolean> {
  const ends = await topicEndOffsets(kafka, [
    config.TOPIC_CATALOG,
    config.TOPIC_CONSUMPTION,
    config.TOPIC_ORDERS,
    config.TOPIC_SUBSCRIPTIONS,
    config.TOPIC_ADJUSTMENTS,
  ]);
  const stored = await db.pool.query<{ topic: string; partition: number; next_offset: number }>(
    `SELECT topic, partition, next_offset FROM "${config.DB_SCHEMA}".consumer_offsets WHERE group_id = $1`,
    [config.GROUP_ID],
  );
  const outbox = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${config.DB_SCHEMA}".outbox`);
  return (
    outbox.rows[0]?.n === 0 &&
    ends.every(
      (e) =>
        e.end === 0 ||
        stored.rows.find((s) => s.topic === e.topic && s.partition === e.partition)?.next_offset === e.end,
    )
  );
}

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const outputs = new WeakMap<ChildProcess, () => string>();
function startProjector(config: ProjectorConfig): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: envOf(config),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  outputs.set(child, () => output);
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes('inventory projector started')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`projector exited (${code ?? signal}) before starting: ${output.slice(-2000)}`)),
    );
  });
}

describe('the inventory projector service', () => {
  it('survives 20 SIGKILLs mid-stream and ends in the same rows as a clean rebuild, no event lost or applied twice', async () => {
    const config = configFor('projector', `projector-${testSuffix()}`);
    const rng = prng(42);
    const history = interleave(rng, randomHistory(rng, 6, 80), 0.1);
    const catalogFirst = history.filter((e) => e.topic === 'catalog');
    await publish(catalogFirst);
    const rest = history.filter((e) => e.topic !== 'catalog');

    // Events flow in the background while the projector is killed and restarted.
    let flowing = true;
    const flow = (async () => {
      for (let i = 0; i < rest.length; i += 10) {
        await publish(rest.slice(i, i + 10));
        await new Promise((r) => setTimeout(r, 60));
      }
      flowing = false;
    })();

    let kills = 0;
    while (kills < 20) {
      const child = await startProjector(config);
      await new Promise((r) => setTimeout(r, rng.int(100, 1200)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills++;
    }
    await flow;
    expect(flowing).toBe(false);

    const last = await startProjector(config);
    await waitUntil(() => caughtUp(config), 120_000, 'the projector to catch up');
    last.kill('SIGTERM');
    const exit = await new Promise<number | null>((r) => last.once('exit', (code) => r(code)));
    expect(exit, outputs.get(last)?.().slice(-3000)).toBe(0);
    const live = await dumpProjection(db.pool, config.DB_SCHEMA);

    const uniqueIds = new Set(history.map((e) => e.event.id));
    const applied = new Set(live.applied_events?.map((r) => JSON.parse(r).event_id as string));
    for (const id of uniqueIds) expect(applied.has(id), `event ${id} applied`).toBe(true);
    const factIds = live.slot_facts?.map((r) => JSON.parse(r).event_id as string) ?? [];
    expect(new Set(factIds).size).toBe(factIds.length);

    const progress: number[] = [];
    const result = await rebuildProjection({
      pool: db.pool,
      kafka,
      databaseUrl: db.url,
      config,
      log: silentLog,
      clock: () => new Date(),
      onProgress: (p) => progress.push(p.applied),
    });
    expect(result.applied).toBeGreaterThanOrEqual(history.length);
    expect(progress.at(-1)).toBe(result.applied);
    expect(await dumpProjection(db.pool, config.DB_SCHEMA)).toEqual(live);
  }, 600_000);

  it('publishes the slot state after a batch and turns a shipment into stock once, at its delivery date', async () => {
    const schema = `p_${testSuffix()}`;
    await migrateProjection(db.url, schema);
    // Topics of its own, so it does not replay the other test's history.
    topics = await createTestTopics(kafka);
    let now = new Date('2026-03-01T00:00:00Z');
    const config = { ...configFor(schema, `projector-${testSuffix()}`) };
    const projector = buildProjector(
      { pool: db.pool, kafka, producer, log: silentLog, clock: () => now, databaseUrl: db.url },
      { ...config, DELIVERY_INTERVAL_MS: 60_000 },
    );
    const deviceId = `dev-${testSuffix()}`;
    const at = (iso: string) => ({ occurredAt: iso, recordedAt: iso, source: 'test', version: 1 as const });
    await publish([
      {
        topic: 'catalog',
        event: {
          id: crypto.randomUUID(),
          type: 'DeviceModelDefined',
          key: `model:${WASHER.modelId}`,
          ...at('2026-03-01T00:00:00Z'),
          data: WASHER,
        },
      },
      {
        topic: 'catalog',
        event: {
          id: crypto.randomUUID(),
          type: 'DeviceProvisioned',
          deviceId,
          ...at('2026-03-01T00:00:00Z'),
          data: {
            deviceId,
            modelId: WASHER.modelId,
            serialNumber: 'SN1',
            marketplace: 'US',
            customerId: 'c1',
            credentialHash: null,
            credentialRevision: 0,
            testDevice: false,
            provisionedAt: '2026-03-01T00:00:00Z',
          },
        },
      },
      {
        topic: 'consumption',
        event: {
          id: crypto.randomUUID(),
          type: 'ConsumptionReported',
          deviceId,
          ...at('2026-03-01T10:00:00Z'),
          data: { slotId: 'detergent', quantity: 500, unit: 'ml', reported: { quantity: 0.5, unit: 'l' }, sequence: 1 },
        },
      },
      {
        topic: 'orders',
        event: {
          id: crypto.randomUUID(),
          type: 'ItemShipped',
          deviceId,
          ...at('2026-03-02T10:00:00Z'),
          data: {
            instanceId: 'amzn1.dash.v2.o.1',
            slotId: 'detergent',
            drsSlotId: 'drs-det',
            notificationId: 'n1',
            notificationTime: '2026-03-02T10:00:00Z',
            products: [{ asin: 'B00EXAMPLE', quantity: 1, unit: 'l', estimatedDeliveryAt: '2026-03-05T08:00:00Z' }],
          },
        },
      },
    ]);
    await projector.start();
    try {
      await waitUntil(() => caughtUp(config), 60_000, 'the projector to apply the events');
      const changes = await readTopic(kafka, config.TOPIC_INVENTORY, 100, 3_000);
      const mine = changes
        .map((m) => JSON.parse(m.value?.toString() ?? '{}') as InventoryChanged)
        .filter((e) => e.deviceId === deviceId && e.data.slotId === 'detergent');
      const latest = mine.sort((a, b) => a.data.revision - b.data.revision).at(-1);
      expect(latest?.data).toMatchObject({
        level: 1500,
        stockOnHand: 2500,
        onTheWay: [{ instanceId: 'amzn1.dash.v2.o.1', quantity: 1000 }],
      });

      expect(await projector.scheduler.runOnce()).toBe(0); // not due yet
      now = new Date('2026-03-05T08:00:01Z');
      expect(await projector.scheduler.runOnce()).toBe(1);
      expect(await projector.scheduler.runOnce()).toBe(0); // exactly once
      await waitUntil(
        async () =>
          (
            await db.pool.query(`SELECT 1 FROM "${schema}".orders WHERE device_id = $1 AND state = 'arrived'`, [
              deviceId,
            ])
          ).rowCount === 1,
        30_000,
        'the arrival to be applied',
      );
      const slot = await db.pool.query(
        `SELECT level, spare_stock FROM "${schema}".slots WHERE device_id = $1 AND slot_id = 'detergent'`,
        [deviceId],
      );
      expect(slot.rows[0]).toEqual({ level: 1500, spare_stock: 1000 });
      const arrivals = (await readTopic(kafka, config.TOPIC_ORDERS, 1000, 3_000)).filter(
        (m) => m.headers?.['event-type']?.toString() === 'ShipmentArrived@1' && m.key?.toString() === deviceId,
      );
      expect(arrivals).toHaveLength(1);
    } finally {
      await projector.stop();
    }
  }, 180_000);
});
