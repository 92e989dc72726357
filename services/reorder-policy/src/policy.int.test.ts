import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SpanKind, trace } from '@opentelemetry/api';
import { createCodec, type ReplenishRequested, type SlotStatusDue, type TopicCodec, Topics } from '@restock/events';
import { busMigrationsDir, createProducer, silentLog, topicEndOffsets } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { migrate } from '@restock/postgres';
import { createTestDatabase } from '@restock/postgres/testing';
import { collectPrometheusMetrics, startTelemetry } from '@restock/telemetry';
import { installInMemoryTracing } from '@restock/telemetry/testing';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPolicyService } from './app.js';
import type { PolicyServiceConfig } from './config.js';
import { replenishCommandId } from './domain/slot-inputs.js';
import {
  COFFEE,
  deviceProvisioned,
  inventoryChanged,
  modelDefined,
  orderEvent,
  replenishOutcome,
  shipmentArrived,
  useHistory,
} from './test-support/events.js';

const kafka = createTestKafka('reorder-policy');
// Generous retries: the shared test broker moves partition leaders around while other files create topics.
let producer = createProducer(kafka, { log: silentLog, retry: { retries: 10, initialRetryTime: 200 } });
const codecs: Record<string, TopicCodec<readonly TSchema[]>> = {
  catalog: createCodec(Topics.catalog),
  consumption: createCodec(Topics.consumption),
  orders: createCodec(Topics.orders),
  subscriptions: createCodec(Topics.subscriptions),
  inventory: createCodec(Topics.inventory),
  outcomes: createCodec(Topics.outcomes),
  adjustments: createCodec(Topics.adjustments),
};
const db = await createTestDatabase('reorder_t');
let topics: Record<string, string>;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  topics = await createTestTopics(kafka);
  await producer.connect();
  await publish('catalog', [modelDefined('2026-01-01T00:00:00.000Z')]);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await producer.disconnect();
});

type TopicKey = keyof typeof codecs;
async function publish(topic: TopicKey, events: object[]): Promise<void> {
  if (events.length === 0) return;
  for (let attempt = 1; ; attempt++) {
    try {
      return await producer.publish(codecs[topic]!, events as never[], topics[`${topic}.v1`]!);
    } catch (error) {
      if (attempt >= 5) throw error;
      // A send that failed for good leaves kafkajs's sequence numbers behind: start a new producer (the
      // events keep their ids, so a copy the broker did write is a duplicate the service ignores).
      const failed = producer;
      producer = createProducer(kafka, { log: silentLog, retry: { retries: 10, initialRetryTime: 200 } });
      await failed.disconnect();
      await producer.connect();
    }
  }
}

function configFor(schema: string, groupId: string): PolicyServiceConfig {
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
    TOPIC_INVENTORY: topics['inventory.v1']!,
    TOPIC_OUTCOMES: topics['outcomes.v1']!,
    TOPIC_ADJUSTMENTS: topics['adjustments.v1']!,
    TOPIC_COMMANDS: topics['commands.v1']!,
    POLICY_RULE: 'adaptive',
    POLICY_WINDOW_DAYS: 28,
    DAYS_OF_COVER: 7,
    MARKETPLACE_DAYS_OF_COVER: '',
    MARKETPLACE_LEAD_TIME_DAYS: '',
    DEFAULT_LEAD_TIME_DAYS: 6,
    SERVICE_LEVEL_Z: 1.65,
    CANCELLATION_COOL_DOWN_DAYS: 3,
    FAILED_REQUEST_RETRY_HOURS: 6,
    DEFAULT_MARKETPLACE: 'US',
    // Short enough that a killed instance's partitions move on quickly, long enough for this busy broker.
    CONSUMER_SESSION_TIMEOUT_MS: 6000,
    PARTITIONS_CONCURRENTLY: 2,
  };
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function caughtUp(config: PolicyServiceConfig): Promise<boolean> {
  const subscribed = [
    config.TOPIC_CATALOG,
    config.TOPIC_CONSUMPTION,
    config.TOPIC_ORDERS,
    config.TOPIC_SUBSCRIPTIONS,
    config.TOPIC_INVENTORY,
    config.TOPIC_OUTCOMES,
    config.TOPIC_ADJUSTMENTS,
  ];
  const ends = await topicEndOffsets(kafka, subscribed);
  const stored = await db.pool
    .query<{ topic: string; partition: number; next_offset: number }>(
      `SELECT topic, partition, next_offset FROM "${config.DB_SCHEMA}".consumer_offsets WHERE group_id = $1`,
      [config.GROUP_ID],
    )
    .catch(() => ({ rows: [] as { topic: string; partition: number; next_offset: number }[] }));
  const outbox = await db.pool
    .query<{ n: number }>(`SELECT count(*)::int AS n FROM "${config.DB_SCHEMA}".outbox`)
    .catch(() => ({ rows: [{ n: 1 }] }));
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
function startChild(config: PolicyServiceConfig): Promise<ChildProcess> {
  const env = { ...process.env, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) };
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
      if (output.includes('reorder policy started')) resolve(child);
    });
    child.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`reorder policy exited (${code ?? signal}) before starting: ${output.slice(-2000)}`)),
    );
  });
}

/** Every command on the file's commands topic, decoded. */
async function commands(): Promise<(ReplenishRequested | SlotStatusDue)[]> {
  const [end] = [await topicEndOffsets(kafka, [topics['commands.v1']!])];
  const total = end.reduce((a, e) => a + e.end, 0);
  if (total === 0) return [];
  const codec = createCodec(Topics.commands);
  const messages = await readTopic(kafka, topics['commands.v1']!, total);
  return messages.map((m) => codec.decode(m.value) as ReplenishRequested | SlotStatusDue);
}

const T0 = '2026-03-04T08:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('the reorder-policy service', () => {
  it('orders exactly once per slot when 50 devices report at once and the service is SIGKILLed and restarted mid-way', async () => {
    const config = configFor('reorder_policy', `policy-${testSuffix()}`);
    const devices = Array.from({ length: 50 }, (_, i) => `burst-${testSuffix()}-${i}`);
    await publish(
      'catalog',
      devices.map((d) => deviceProvisioned(d, '2026-01-01T00:00:00.000Z')),
    );
    // 20 days of 2.5 pods a day each: the adaptive threshold is 2.5 x 6 days of lead time = 15 pods.
    await publish(
      'consumption',
      devices.flatMap((d) => useHistory(d, T0, 20, 2.5)),
    );

    // The history is in before the states that are decided on (topics are not ordered among themselves).
    let child = await startChild(config);
    await waitUntil(
      async () =>
        (
          await db.pool
            .query<{ n: number }>('SELECT count(*)::int AS n FROM reorder_policy.daily_use')
            .catch(() => ({ rows: [{ n: 0 }] }))
        ).rows[0]?.n ===
        50 * 20,
      60_000,
      'the use history',
    );

    // Every device drains from 30 pods to 1, one state per pod, all devices publishing at the same time.
    let flowing = true;
    const flow = (async () => {
      await Promise.all(
        devices.map(async (deviceId) => {
          for (let level = 30, revision = 1; level >= 1; level--, revision++) {
            await publish('inventory', [inventoryChanged(deviceId, at(revision), revision, level)]);
          }
        }),
      );
      flowing = false;
    })();

    for (let kill = 0; kill < 3; kill++) {
      if (kill > 0) child = await startChild(config);
      await new Promise((r) => setTimeout(r, 400 + kill * 500));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    await flow;
    expect(flowing).toBe(false);

    const last = await startChild(config);
    await waitUntil(() => caughtUp(config), 120_000, 'the policy to catch up');
    last.kill('SIGTERM');
    expect(await new Promise<number | null>((r) => last.once('exit', (code) => r(code)))).toBe(0);

    const replenish = (await commands()).filter((c): c is ReplenishRequested => c.type === 'ReplenishRequested');
    const burstReplenish = replenish.filter((c) => devices.includes(c.deviceId));
    for (const deviceId of devices) {
      const ids = new Set(burstReplenish.filter((c) => c.deviceId === deviceId).map((c) => c.id));
      expect(ids, `commands of ${deviceId}`).toEqual(new Set([replenishCommandId(deviceId, COFFEE.slotId, 0)]));
    }
    const first = burstReplenish.find((c) => c.deviceId === devices[0]);
    expect(first?.data).toMatchObject({
      slotId: COFFEE.slotId,
      cycle: 0,
      reason: { burnRatePerDay: 2.5, threshold: 15, policy: 'adaptive', daysOfCover: 6 },
    });
    // A batch decides on its newest state, so the stock is whatever the batch that crossed 15 ended on.
    expect(first?.data.reason.stockOnHand).toBeLessThanOrEqual(15);

    const { rows } = await db.pool.query<{ device_id: string; n: number }>(
      `SELECT device_id, count(*) FILTER (WHERE outcome = 'ordered')::int AS n FROM reorder_policy.decisions
       WHERE device_id = ANY($1) GROUP BY device_id`,
      [devices],
    );
    expect(rows).toHaveLength(50);
    for (const row of rows) expect(row.n, `orders decided for ${row.device_id}`).toBe(1);
    const held = await db.pool.query<{ rule: string; n: number }>(
      `SELECT reason->>'rule' AS rule, count(*)::int AS n FROM reorder_policy.decisions
       WHERE device_id = ANY($1) AND outcome = 'held' GROUP BY 1 ORDER BY 1`,
      [devices],
    );
    // Held above the threshold, and (when a later batch came after the order) by the open request.
    for (const row of held.rows) expect(['above-threshold', 'order-open']).toContain(row.rule);
  }, 300_000);
});

describe('decisions through a cycle', () => {
  const config = () => configFor(`p_${suffix}`, `policy-${suffix}`);
  const suffix = testSuffix();
  let service: ReturnType<typeof buildPolicyService>;
  const relayProducer = createProducer(kafka, { log: silentLog });

  beforeAll(async () => {
    await migrate({ databaseUrl: db.url, schema: `p_${suffix}`, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
    await migrate({
      databaseUrl: db.url,
      schema: `p_${suffix}`,
      dir: fileURLToPath(new URL('./store/migrations', import.meta.url)),
    });
    await relayProducer.connect();
    service = buildPolicyService(
      { pool: db.pool, kafka, producer: relayProducer, log: silentLog, clock: () => new Date(), databaseUrl: db.url },
      config(),
    );
    await service.start();
  });
  afterAll(async () => {
    await service.stop();
    await relayProducer.disconnect();
  });

  async function decisions(deviceId: string) {
    const { rows } = await db.pool.query<{
      outcome: string;
      rule: string;
      command_id: string | null;
      cycle: number;
      reason: Record<string, unknown>;
    }>(
      `SELECT outcome, reason->>'rule' AS rule, command_id, cycle, reason FROM "p_${suffix}".decisions
       WHERE device_id = $1 ORDER BY id`,
      [deviceId],
    );
    return rows;
  }

  async function decisionCount(deviceId: string, n: number) {
    await waitUntil(async () => (await decisions(deviceId)).length >= n, 30_000, `${n} decisions for ${deviceId}`);
    return decisions(deviceId);
  }

  /** A device with 20 days of 2.5 pods a day, applied (topics are not ordered among themselves). */
  async function newDevice(): Promise<string> {
    const deviceId = `cycle-${testSuffix()}`;
    await publish('catalog', [deviceProvisioned(deviceId, '2026-01-01T00:00:00.000Z')]);
    await publish('consumption', useHistory(deviceId, T0, 20, 2.5));
    await waitUntil(
      async () =>
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "p_${suffix}".daily_use WHERE device_id = $1`,
            [deviceId],
          )
        ).rows[0]?.n === 20,
      30_000,
      'the use history',
    );
    return deviceId;
  }

  it('holds, and says why, while the slot is paused, unsubscribed or its device unregistered', async () => {
    const deviceId = await newDevice();
    // One at a time: a batch decides once per slot, on its newest state.
    await publish('inventory', [
      inventoryChanged(deviceId, at(1), 1, 3, { subscription: { subscribed: false, asin: null } }),
    ]);
    await decisionCount(deviceId, 1);
    await publish('inventory', [inventoryChanged(deviceId, at(2), 2, 2, { subscription: null })]);
    await decisionCount(deviceId, 2);
    await publish('inventory', [inventoryChanged(deviceId, at(3), 3, 1, { registered: false })]);
    const rows = await decisionCount(deviceId, 3);
    expect(rows.map((r) => [r.outcome, r.rule])).toEqual([
      ['held', 'subscription-paused'],
      ['held', 'no-subscription'],
      ['held', 'not-registered'],
    ]);
  });

  it('counts its decisions by outcome', async () => {
    const telemetry = startTelemetry({ serviceName: 'reorder-policy-metrics-test' });
    try {
      const deviceId = await newDevice();
      // 20 pods at 2.5 a day: held above the threshold, then ordered at 5.
      await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 20)]);
      await decisionCount(deviceId, 1);
      await publish('inventory', [inventoryChanged(deviceId, at(2), 2, 5)]);
      expect((await decisionCount(deviceId, 2)).map((r) => r.outcome)).toEqual(['held', 'ordered']);
      const text = (await collectPrometheusMetrics()) ?? '';
      expect(text).toMatch(/reorder_policy_decisions_total\{[^}]*outcome="held"[^}]*\} [1-9]/);
      expect(text).toMatch(/reorder_policy_decisions_total\{[^}]*outcome="ordered"[^}]*\} [1-9]/);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('writes the command in the trace of the InventoryChanged that triggered it, under the policy’s process span', async () => {
    const deviceId = await newDevice();
    const tracing = installInMemoryTracing();
    try {
      // The projector's side: its span is active while InventoryChanged is published.
      await trace.getTracer('test').startActiveSpan('projector', async (span) => {
        await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 5)]);
        span.end();
      });
      expect((await decisionCount(deviceId, 1))[0]?.outcome).toBe('ordered');
      await waitUntil(async () => (await service.relay.pending()) === 0, 10_000, 'the outbox to drain');
      const spans = tracing.spans();
      const projector = spans.find((s) => s.name === 'projector');
      const traceId = projector?.spanContext().traceId;
      const process = spans.find(
        (s) => s.kind === SpanKind.CONSUMER && s.parentSpanContext?.spanId === projector?.spanContext().spanId,
      );
      expect(process, 'the policy’s process span of InventoryChanged').toBeDefined();
      const codec = createCodec(Topics.commands);
      const messages = await readTopic(kafka, topics['commands.v1']!, (await commands()).length);
      const command = messages.find((m) => {
        const e = codec.decode(m.value) as ReplenishRequested | SlotStatusDue;
        return e.type === 'ReplenishRequested' && e.deviceId === deviceId;
      });
      expect(command?.headers?.['traceparent']?.toString()).toBe(`00-${traceId}-${process?.spanContext().spanId}-01`);
    } finally {
      await tracing.shutdown();
    }
  });

  it('orders earlier for a customer who asked for more days of cover', async () => {
    const deviceId = await newDevice();
    // 20 pods at 2.5 a day: above the 15 of 6 days' lead time, below the 25 of the customer's 10 days.
    await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 20)]);
    expect((await decisionCount(deviceId, 1))[0]).toMatchObject({ outcome: 'held', rule: 'above-threshold' });
    await publish('adjustments', [
      {
        id: randomUUID(),
        type: 'SlotPreferencesChanged',
        version: 1,
        deviceId,
        occurredAt: at(2),
        recordedAt: at(2),
        source: 'test',
        data: { slotId: COFFEE.slotId, daysOfCover: 10, customerId: 'customer-1' },
      },
    ]);
    const rows = await decisionCount(deviceId, 2);
    expect(rows[1]).toMatchObject({ outcome: 'ordered', reason: { daysOfCover: 10, threshold: 25 } });
  });

  it('orders the next cycle under a new command id only once the open order has arrived', async () => {
    const deviceId = await newDevice();
    const cycle0 = replenishCommandId(deviceId, COFFEE.slotId, 0);
    await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 10)]);
    expect((await decisionCount(deviceId, 1))[0]).toMatchObject({ outcome: 'ordered', command_id: cycle0, cycle: 0 });

    await publish('outcomes', [
      replenishOutcome(deviceId, cycle0, at(2), {
        outcome: 'succeeded',
        detailCode: 'STANDARD_ORDER_PLACED',
        eventInstanceId: 'amzn1.dash.v2.o.one',
      }),
    ]);
    await publish('orders', [orderEvent('OrderPlaced', deviceId, 'amzn1.dash.v2.o.one', at(3))]);
    await publish('inventory', [inventoryChanged(deviceId, at(4), 2, 9)]);
    await waitUntil(
      async () => (await decisions(deviceId)).some((r) => r.rule === 'order-open'),
      30_000,
      'a decision held by the open order',
    );

    await publish('orders', [shipmentArrived(deviceId, 'amzn1.dash.v2.o.one', at(5))]);
    await publish('inventory', [inventoryChanged(deviceId, at(6), 3, 8)]);
    await waitUntil(
      async () => (await decisions(deviceId)).filter((r) => r.outcome === 'ordered').length === 2,
      30_000,
      'the second order',
    );
    const ordered = (await decisions(deviceId)).filter((r) => r.outcome === 'ordered');
    expect(ordered.map((r) => [r.cycle, r.command_id])).toEqual([
      [0, cycle0],
      [1, replenishCommandId(deviceId, COFFEE.slotId, 1)],
    ]);
  });

  it('waits out the cool-down after a cancellation unless the stock keeps falling', async () => {
    const deviceId = await newDevice();
    const cycle0 = replenishCommandId(deviceId, COFFEE.slotId, 0);
    await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 12)]);
    await decisionCount(deviceId, 1);
    await publish('outcomes', [
      replenishOutcome(deviceId, cycle0, at(2), {
        outcome: 'succeeded',
        detailCode: 'STANDARD_ORDER_PLACED',
        eventInstanceId: 'amzn1.dash.v2.o.two',
      }),
    ]);
    await publish('orders', [
      orderEvent('OrderPlaced', deviceId, 'amzn1.dash.v2.o.two', at(3)),
      orderEvent('OrderCancelled', deviceId, 'amzn1.dash.v2.o.two', at(4)),
    ]);
    await waitUntil(
      async () =>
        (
          await db.pool.query(`SELECT 1 FROM "p_${suffix}".closed_cycles WHERE device_id = $1 AND kind = 'cancelled'`, [
            deviceId,
          ])
        ).rowCount === 1,
      30_000,
      'the cancellation',
    );
    await publish('inventory', [inventoryChanged(deviceId, at(3600), 2, 11)]);
    await waitUntil(
      async () => (await decisions(deviceId)).some((r) => r.rule === 'cancellation-cool-down'),
      30_000,
      'a decision held by the cool-down',
    );
    // Half the threshold (7.5 pods) below the 12 on hand at the cancellation.
    await publish('inventory', [inventoryChanged(deviceId, at(7200), 3, 4.5)]);
    await waitUntil(
      async () => (await decisions(deviceId)).filter((r) => r.outcome === 'ordered').length === 2,
      30_000,
      'the order after the stock kept falling',
    );
    expect((await decisions(deviceId)).at(-1)).toMatchObject({ outcome: 'ordered', cycle: 1 });
  });

  it('ends the cycle when DRS refuses the order, and tries again only after the retry delay', async () => {
    const deviceId = await newDevice();
    const cycle0 = replenishCommandId(deviceId, COFFEE.slotId, 0);
    await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 10)]);
    await decisionCount(deviceId, 1);
    await publish('outcomes', [
      replenishOutcome(deviceId, cycle0, at(2), { outcome: 'failed', detailCode: null, eventInstanceId: null }),
    ]);
    await waitUntil(async () => (await decisions(deviceId)).length >= 2, 30_000, 'the decision after the failure');
    await publish('inventory', [inventoryChanged(deviceId, at(3), 2, 9)]);
    await waitUntil(
      async () => (await decisions(deviceId)).some((r) => r.rule === 'retry-backoff'),
      30_000,
      'a decision held by the retry delay',
    );
    await publish('inventory', [inventoryChanged(deviceId, at(7 * 3600), 3, 8)]);
    await waitUntil(
      async () => (await decisions(deviceId)).filter((r) => r.outcome === 'ordered').length === 2,
      30_000,
      'the order after the retry delay',
    );
    expect((await decisions(deviceId)).at(-1)).toMatchObject({
      cycle: 1,
      command_id: replenishCommandId(deviceId, COFFEE.slotId, 1),
    });
  });

  it('asks for a slot status with the run-out date after consumption moves a registered slot', async () => {
    const deviceId = await newDevice();
    await publish('inventory', [inventoryChanged(deviceId, at(1), 1, 30)]);
    await decisionCount(deviceId, 1);
    // A subscription change: nothing consumption moves, so DRS need not hear of it.
    await publish('inventory', [
      inventoryChanged(deviceId, at(2), 2, 30, { lastUseAt: at(1), subscription: { subscribed: true, asin: null } }),
    ]);
    await decisionCount(deviceId, 2);
    await publish('inventory', [inventoryChanged(deviceId, at(3), 3, 29)]);
    await decisionCount(deviceId, 3);
    await waitUntil(async () => (await service.relay.pending()) === 0, 10_000, 'the outbox to drain');
    const due = (await commands()).filter(
      (c): c is SlotStatusDue => c.type === 'SlotStatusDue' && c.deviceId === deviceId,
    );
    expect(due.map((d) => d.data.revision).sort()).toEqual([1, 3]);
    // 30 pods at 2.5 a day: empty in 12 days.
    expect(due[0]?.data.expectedReplenishmentAt).toBe(new Date(Date.parse(at(1)) + 12 * 86_400_000).toISOString());
  });
});
