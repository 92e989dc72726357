import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTokenVerifier, mintToken } from '@restock/auth';
import type { HttpApp } from '@restock/http';
import { type BusProducer, busMigrationsDir, createProducer, type Kafka, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, testSuffix } from '@restock/kafka/testing';
import { migrate } from '@restock/postgres';
import { createTestDatabase, type TestDatabase } from '@restock/postgres/testing';
import { createRedis, type Redis } from '@restock/redis';
import { createTestRedis, testRedisUrl } from '@restock/redis/testing';
import { createLogger } from '@restock/telemetry';
import { afterAll } from 'vitest';
import { buildApp } from '../app.js';
import type { QueryConfig } from '../config.js';
import { queryMigrationsDir } from '../store/migrations-dir.js';
import { type ProjectionRows, projectionRows } from './projection-rows.js';

export const SCHEMA = 'query';
export const PROJECTOR_SCHEMA = 'projector';
export const POLICY_SCHEMA = 'reorder_policy';
export const SECRET = 'query-test-secret-of-at-least-32-bytes!';
export const ISSUER = 'restock-local';
export const AUDIENCE = 'restock';

// The projector's and the reorder policy's own migration files, applied by path: the tests need the
// tables the query service reads (slots, orders, daily use...; decisions), not those services' code.
const projectorMigrationsDir = fileURLToPath(
  new URL('../../../inventory-projector/src/store/migrations', import.meta.url),
);
const policyMigrationsDir = fileURLToPath(new URL('../../../reorder-policy/src/store/migrations', import.meta.url));

export interface QueryHarness {
  db: TestDatabase;
  kafka: Kafka;
  /** Real names of the catalogue's topics for this file: `topics['inventory.v1']`. */
  topics: Record<string, string>;
  suffix: string;
  /** The app's Redis client (a per-file key prefix on the shared Redis). */
  redis: Redis;
  redisPrefix: string;
  /** Publishes catalog.v1 and inventory.v1 records as the catalog service and the projector would. */
  producer: BusProducer;
  rows: ProjectionRows;
  app: HttpApp;
  /** The app's clock: tests move it. */
  clock: { now: Date };
  config: QueryConfig;
  /** A valid bearer token of a customer. */
  token(customerId: string, options?: { ttlSec?: number; now?: Date; secret?: string }): Promise<string>;
  /** Another app on the same database and topics, with its own Redis client; closed when the file ends. */
  extraApp(options: { redis: Redis; catalogGroup?: string }): Promise<HttpApp>;
  /** Every event published on a topic since the file started, decoded, in arrival order. */
  collect<T>(topic: string, decode: (value: Buffer | null) => T): Promise<{ events: T[] }>;
}

export function testConfig(
  topics: Record<string, string>,
  suffix: string,
  overrides: Partial<QueryConfig> = {},
): QueryConfig {
  return {
    schema: SCHEMA,
    projectorSchema: PROJECTOR_SCHEMA,
    policySchema: POLICY_SCHEMA,
    topics: {
      catalog: topics['catalog.v1']!,
      inventory: topics['inventory.v1']!,
      adjustments: topics['adjustments.v1']!,
      commands: topics['commands.v1']!,
    },
    catalogGroup: `query-catalog-${suffix}`,
    liveGroup: `query-live-${suffix}-${testSuffix()}`,
    cacheTtlMs: 60_000,
    burnRate: { windowDays: 28, minHistoryDays: 3 },
    defaultDaysOfCover: 7,
    sse: { heartbeatMs: 15_000, replayMax: 100, replayTtlMs: 60 * 60_000 },
    idempotencyRetentionMs: 24 * 60 * 60_000,
    retryAfterSeconds: 5,
    ...overrides,
  };
}

/**
 * The query service against real PostgreSQL, Redis and Kafka, isolated per test file (own database,
 * topics, groups and key prefix). Call at the top level of a test file: the helpers register their
 * teardown with afterAll, and the harness registers its own after theirs, so it runs first.
 */
export async function startQueryHarness(
  options: { config?: Partial<QueryConfig>; now?: Date; logLevel?: string; logDestination?: Writable } = {},
): Promise<QueryHarness> {
  const suffix = testSuffix();
  const db = await createTestDatabase('restock_query');
  await migrate({ databaseUrl: db.url, schema: SCHEMA, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
  await migrate({ databaseUrl: db.url, schema: SCHEMA, dir: queryMigrationsDir });
  await migrate({ databaseUrl: db.url, schema: PROJECTOR_SCHEMA, dir: projectorMigrationsDir });
  await migrate({ databaseUrl: db.url, schema: POLICY_SCHEMA, dir: policyMigrationsDir });

  const kafka = createTestKafka('query');
  const topics = await createTestTopics(kafka, suffix);
  const { redis, prefix } = createTestRedis();
  const producer = createProducer(kafka, { log: silentLog });
  await producer.connect();
  const logger = createLogger({
    service: 'query-test',
    level: options.logLevel ?? 'silent',
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, hmacSecret: SECRET });
  const clock = { now: options.now ?? new Date() };
  const config = testConfig(topics, suffix, options.config);
  const opened: { app: HttpApp; producer: BusProducer }[] = [];

  async function open(redisClient: Redis, overrides: Partial<QueryConfig>): Promise<HttpApp> {
    const relayProducer = createProducer(kafka, { log: silentLog });
    await relayProducer.connect();
    const app = await buildApp(
      {
        pool: db.pool,
        redis: redisClient,
        kafka,
        producer: relayProducer,
        databaseUrl: db.url,
        verifier,
        logger,
        clock: () => clock.now,
      },
      { ...config, ...overrides, liveGroup: `query-live-${suffix}-${testSuffix()}` },
    );
    await app.ready();
    opened.push({ app, producer: relayProducer });
    return app;
  }

  const app = await open(redis, {});
  afterAll(async () => {
    for (const o of opened.reverse()) {
      await o.app.close();
      await o.producer.disconnect();
    }
    await producer.disconnect();
  });

  return {
    db,
    kafka,
    topics,
    suffix,
    redis,
    redisPrefix: prefix,
    producer,
    rows: projectionRows(db.pool, PROJECTOR_SCHEMA),
    app,
    clock,
    config,
    token: (customerId, o = {}) =>
      mintToken({
        hmacSecret: o.secret ?? SECRET,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: customerId,
        ttlSec: o.ttlSec ?? 600,
        ...(o.now === undefined ? {} : { now: () => o.now as Date }),
      }),
    extraApp: (o) => open(o.redis, o.catalogGroup === undefined ? {} : { catalogGroup: o.catalogGroup }),
    async collect(topic, decode) {
      const collected: { events: ReturnType<typeof decode>[] } = { events: [] };
      const consumer = kafka.consumer({ groupId: `collect-${testSuffix()}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({
        eachMessage: async ({ message }) => {
          collected.events.push(decode(message.value));
        },
      });
      await joined;
      afterAll(async () => {
        await consumer.disconnect();
      });
      return collected;
    },
  };
}

/** A Redis client on the shared Redis with the file's key prefix (to disconnect mid-test). */
export function sameRedis(prefix: string): Redis {
  return createRedis({ url: testRedisUrl(), keyPrefix: prefix });
}

/** A Redis client pointed at a port nothing listens on: Redis "down" without stopping the shared server. */
export function deadRedis(prefix: string): Redis {
  return createRedis({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
