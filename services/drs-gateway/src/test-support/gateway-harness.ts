import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  DETERGENT,
  REDIRECT_URI,
  type SimulatorHarness,
  SOFTENER,
  startSimulator,
  WASHER_SLOTS,
} from '@restock/drs-simulator/src/test-support/simulator-harness.js';
import { createCodec, type DrsCallCompleted, type InventoryChanged, type TopicCodec, Topics } from '@restock/events';
import { busMigrationsDir, createProducer, silentLog, topicEndOffsets } from '@restock/kafka';
import { createTestKafka, createTestTopics, readTopic, testBrokers, testSuffix } from '@restock/kafka/testing';
import { migrate } from '@restock/postgres';
import { createTestDatabase } from '@restock/postgres/testing';
import { createLogger } from '@restock/telemetry';
import type { TSchema } from '@sinclair/typebox';
import { afterAll } from 'vitest';
import { buildGateway } from '../app.js';
import { DEVELOPMENT_TOKEN_KEY, type GatewayConfig } from '../config.js';

export { DETERGENT, SOFTENER };

const stamp = (at: string) => ({ occurredAt: at, recordedAt: at, source: 'test', version: 1 as const });
const MODEL_ID = 'washer-x200';

/**
 * One test file's world: the real drs-simulator (its buildApp on 127.0.0.1, a database of its own),
 * a database and suffixed topics for the gateway, and a gateway on a clock the test can push forward.
 * Call at the top level of the test file, so its after-hooks are registered.
 */
export async function startGatewayWorld(overrides: Partial<GatewayConfig> = {}) {
  const sim = await startSimulator();
  const db = await createTestDatabase('gateway_t');
  const kafka = createTestKafka('drs-gateway');
  const topics = await createTestTopics(kafka);
  const schema = `gw_${testSuffix()}`;
  await migrate({ databaseUrl: db.url, schema, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
  await migrate({ databaseUrl: db.url, schema, dir: fileURLToPath(new URL('../store/migrations', import.meta.url)) });

  const config: GatewayConfig = {
    KAFKA_BROKERS: testBrokers().join(','),
    DATABASE_URL: db.url,
    LOG_LEVEL: 'debug',
    PORT: 0,
    HOST: '127.0.0.1',
    DB_SCHEMA: schema,
    GROUP_ID: `gateway-${testSuffix()}`,
    TOPIC_COMMANDS: topics['commands.v1']!,
    TOPIC_INVENTORY: topics['inventory.v1']!,
    TOPIC_SUBSCRIPTIONS: topics['subscriptions.v1']!,
    TOPIC_CATALOG: topics['catalog.v1']!,
    TOPIC_ORDERS: topics['orders.v1']!,
    TOPIC_OUTCOMES: topics['outcomes.v1']!,
    DRS_BASE_URL: sim.baseUrl,
    LWA_TOKEN_URL: `${sim.baseUrl}/auth/o2/token`,
    LWA_CLIENT_ID: CLIENT_ID,
    LWA_CLIENT_SECRET: CLIENT_SECRET,
    TOKEN_ENCRYPTION_KEY: DEVELOPMENT_TOKEN_KEY,
    TOKEN_REFRESH_AHEAD_SECONDS: 300,
    HTTP_TIMEOUT_MS: 5_000,
    HTTP_RETRIES: 8,
    HTTP_RETRY_INITIAL_MS: 10,
    HTTP_RETRY_MAX_MS: 100,
    BREAKER_THRESHOLD: 12,
    BREAKER_HALF_OPEN_MS: 200,
    CALL_LEASE_MS: 20_000,
    EXECUTOR_INTERVAL_MS: 50,
    EXECUTOR_CONCURRENCY: 8,
    WAIT_FOR_DEVICE_MS: 60_000,
    REPLENISH_RECONCILE_MAX_AGE_MS: 12 * 3_600_000,
    SLOT_STATUS_COALESCE_MS: 500,
    SLOT_STATUS_MAX_WAIT_MS: 5_000,
    SCHEDULE_INTERVAL_MS: 100,
    DEVICE_STATUS_INTERVAL_MS: 3_600_000,
    SUBSCRIPTION_INFO_DELAY_MS: 0,
    ORDER_PLACED_OVERDUE_MS: 3_600_000,
    ORDER_SHIPPED_OVERDUE_MS: 48 * 3_600_000,
    ORDER_RECHECK_MS: 6 * 3_600_000,
    // Long enough for this busy shared broker; nothing here waits for a dead member.
    CONSUMER_SESSION_TIMEOUT_MS: 10_000,
    PARTITIONS_CONCURRENTLY: 2,
    ...overrides,
  };

  // Everything the gateway logs, to prove no token or code ever reaches a log line.
  const logLines: string[] = [];
  const log = createLogger({
    service: 'drs-gateway-test',
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });

  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  let producer = createProducer(kafka, { log: silentLog, retry: { retries: 10, initialRetryTime: 200 } });
  await producer.connect();
  const relayProducer = createProducer(kafka, { log: silentLog });
  await relayProducer.connect();

  let gateway = buildGateway(
    { pool: db.pool, kafka, producer: relayProducer, log, clock, databaseUrl: db.url },
    config,
  );
  await gateway.start();
  afterAll(async () => {
    await gateway.stop();
    await relayProducer.disconnect();
    await producer.disconnect();
  });

  const codecs: Record<string, TopicCodec<readonly TSchema[]>> = {
    catalog: createCodec(Topics.catalog),
    subscriptions: createCodec(Topics.subscriptions),
    inventory: createCodec(Topics.inventory),
    orders: createCodec(Topics.orders),
    commands: createCodec(Topics.commands),
  };

  async function publish(topic: 'catalog' | 'subscriptions' | 'inventory' | 'orders' | 'commands', events: object[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await producer.publish(codecs[topic]!, events as never[], topics[`${topic}.v1`]!);
      } catch (error) {
        if (attempt >= 5) throw error;
        // After a send that failed for good kafkajs's sequence numbers are off: a new producer (the
        // events keep their ids, so a copy the broker did write is a duplicate the gateway ignores).
        const failed = producer;
        producer = createProducer(kafka, { log: silentLog, retry: { retries: 10, initialRetryTime: 200 } });
        await failed.disconnect();
        await producer.connect();
      }
    }
  }

  async function waitUntil<T>(probe: () => Promise<T | false | null | undefined>, what: string, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  await publish('catalog', [
    {
      id: randomUUID(),
      type: 'DeviceModelDefined',
      key: `model:${MODEL_ID}`,
      ...stamp('2026-01-01T00:00:00.000Z'),
      data: {
        modelId: MODEL_ID,
        name: 'Washer X200',
        kind: 'washing_machine',
        slots: [
          {
            slotId: 'detergent',
            unitType: 'volume',
            capacity: 3000,
            defaultDailyUse: 100,
            replenishmentId: DETERGENT,
            optional: false,
          },
          {
            slotId: 'softener',
            unitType: 'count',
            capacity: 40,
            defaultDailyUse: 1,
            replenishmentId: SOFTENER,
            optional: false,
          },
        ],
        marketplaces: {},
        image: null,
        certifiedAt: null,
        revision: 1,
      },
    },
  ]);

  return {
    sim,
    db,
    kafka,
    topics,
    config,
    schema,
    logLines,
    clock,
    get gateway() {
      return gateway;
    },
    forward(ms: number) {
      offsetMs += ms;
    },
    publish,
    waitUntil,
    /** Stops the gateway and builds a new one on the same database: a restart. */
    async restart() {
      await gateway.stop();
      gateway = buildGateway(
        { pool: db.pool, kafka, producer: relayProducer, log, clock, databaseUrl: db.url },
        config,
      );
      await gateway.start();
    },

    /**
     * A customer registers a washer on Amazon (simulator) and the companion app hands the code to
     * Restock: the device is provisioned, registered, and its LinkDrsAccount is published. Resolves
     * once the gateway holds its tokens.
     */
    async linkWasher(options: { marketplace?: string; isTestDevice?: boolean } = {}) {
      const deviceId = `washer-${testSuffix()}`;
      const serialNumber = `WM-${testSuffix()}`;
      const registered = await call(sim, 'POST', '/control/v1/registrations', {
        body: {
          modelId: MODEL_ID,
          serialNumber,
          isTestDevice: options.isTestDevice ?? false,
          marketplace: options.marketplace ?? 'US',
          slots: WASHER_SLOTS,
        },
      });
      if (registered.status !== 201) throw new Error(`registration failed: ${registered.text}`);
      const body = registered.json<{ registration: { registrationId: string }; authorizationCode: string }>();
      const at = clock().toISOString();
      await publish('catalog', [
        {
          id: randomUUID(),
          type: 'DeviceProvisioned',
          deviceId,
          ...stamp(at),
          data: {
            deviceId,
            modelId: MODEL_ID,
            serialNumber,
            marketplace: options.marketplace ?? 'US',
            customerId: 'customer-1',
            credentialHash: null,
            credentialRevision: 0,
            testDevice: options.isTestDevice ?? false,
            provisionedAt: at,
          },
        },
      ]);
      const linkId = randomUUID();
      await publish('commands', [
        {
          id: linkId,
          type: 'LinkDrsAccount',
          deviceId,
          ...stamp(at),
          data: { customerId: 'customer-1', authorizationCode: body.authorizationCode, redirectUri: REDIRECT_URI },
        },
      ]);
      await waitUntil(
        async () =>
          (await db.pool.query(`SELECT 1 FROM "${schema}".tokens WHERE device_id = $1`, [deviceId])).rowCount === 1,
        `tokens of ${deviceId}`,
      );
      return {
        deviceId,
        serialNumber,
        registrationId: body.registration.registrationId,
        authorizationCode: body.authorizationCode,
        linkId,
      };
    },

    async registered(deviceId: string) {
      await publish('subscriptions', [
        {
          id: randomUUID(),
          type: 'DeviceRegistered',
          deviceId,
          ...stamp(clock().toISOString()),
          data: {
            notificationId: `amzn1.dash.notification.v1.${randomUUID()}`,
            notificationTime: clock().toISOString(),
            directedCustomerId: 'amzn1.account.TEST',
            modelId: MODEL_ID,
            serialNumber: 'unused',
          },
        },
      ]);
    },

    replenish(deviceId: string, slotId: string, id: string = randomUUID()) {
      return {
        id,
        type: 'ReplenishRequested',
        deviceId,
        ...stamp(clock().toISOString()),
        data: {
          slotId,
          cycle: 0,
          reason: { burnRatePerDay: 100, windowDays: 20, stockOnHand: 500, threshold: 600, daysLeft: 5 },
        },
      };
    },

    inventory(
      deviceId: string,
      slotId: string,
      revision: number,
      data: Partial<InventoryChanged['data']>,
    ): InventoryChanged {
      const at = clock().toISOString();
      return {
        id: randomUUID(),
        type: 'InventoryChanged',
        deviceId,
        ...stamp(at),
        data: {
          slotId,
          unitType: 'volume',
          unit: 'ml',
          level: 3000,
          capacity: 3000,
          spareStock: 0,
          onTheWay: [],
          stockOnHand: 3000,
          overdraw: 0,
          lastUseAt: at,
          registered: true,
          subscription: { subscribed: true, asin: 'B00DETERG1' },
          openOrder: null,
          revision,
          ...data,
        },
      };
    },

    slotStatusDue(deviceId: string, slotId: string, revision: number, expectedReplenishmentAt: string | null) {
      return {
        id: randomUUID(),
        type: 'SlotStatusDue',
        deviceId,
        ...stamp(clock().toISOString()),
        data: { slotId, expectedReplenishmentAt, revision },
      };
    },

    /** Every DrsCallCompleted on the file's outcomes topic. */
    async outcomes(): Promise<DrsCallCompleted[]> {
      await gateway.relay.drain();
      const ends = await topicEndOffsets(kafka, [topics['outcomes.v1']!]);
      const total = ends.reduce((a, e) => a + e.end, 0);
      if (total === 0) return [];
      const codec = createCodec(Topics.outcomes);
      return (await readTopic(kafka, topics['outcomes.v1']!, total)).map(
        (m) => codec.decode(m.value) as DrsCallCompleted,
      );
    },

    async calls(deviceId: string) {
      const { rows } = await db.pool.query<{
        call_id: string;
        operation: string;
        state: string;
        slot_id: string | null;
        answer: unknown;
        http_status: number | null;
      }>(
        `SELECT call_id, operation, state, slot_id, answer, http_status FROM "${schema}".calls WHERE device_id = $1 ORDER BY created_at`,
        [deviceId],
      );
      return rows;
    },

    async simOrders(registrationId: string) {
      const response = await call(sim, 'GET', `/control/v1/orders?registrationId=${registrationId}`);
      return response.json<{ orders: { eventInstanceId: string; slotId: string; status: string }[] }>().orders;
    },
  };
}

export type GatewayWorld = Awaited<ReturnType<typeof startGatewayWorld>>;
export type { SimulatorHarness };
