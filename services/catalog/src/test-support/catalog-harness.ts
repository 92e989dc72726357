import { createTokenVerifier, mintToken, OPERATOR_SCOPE } from '@restock/auth';
import { createCodec, Topics } from '@restock/events';
import { createReadinessState, type HttpApp } from '@restock/http';
import { createOutboxRelay, createProducer, type Kafka, silentLog } from '@restock/kafka';
import { createTestKafka, createTestTopics, migrateBusTables, readTopic, testSuffix } from '@restock/kafka/testing';
import { migrate } from '@restock/postgres';
import { createTestDatabase, type TestDatabase } from '@restock/postgres/testing';
import { createLogger } from '@restock/telemetry';
import { afterAll, expect } from 'vitest';
import { buildApp } from '../app.js';
import { CATALOG_SCHEMA } from '../config.js';
import type { CatalogEvent } from '../domain/catalog-events.js';
import { catalogMigrationsDir } from '../store/migrations-dir.js';

const SECRET = 'catalog-test-secret-that-is-long-enough-0123456789';
const ISSUER = 'restock-test';
const AUDIENCE = 'restock';
const codec = createCodec(Topics.catalog);

export interface CatalogHarness {
  app: HttpApp;
  db: TestDatabase;
  kafka: Kafka;
  /** The test's own catalog topic (catalog.v1 with a suffix). */
  topic: string;
  /** `authorization` headers of an operator, a customer, and a token without the admin scope. */
  operator: { authorization: string };
  customer(customerId: string): Promise<{ authorization: string }>;
  /**
   * Waits until the outbox relay has published everything written so far, then reads the catalog
   * topic back from Kafka, decoded: what every consumer of catalog.v1 would see.
   */
  publishedEvents(): Promise<CatalogEvent[]>;
}

/**
 * The catalog app on a fresh database and fresh topics, with the outbox relay running as in
 * production. Everything is released when the test file ends.
 */
export async function startCatalogHarness(): Promise<CatalogHarness> {
  const db = await createTestDatabase('restock_catalog');
  const kafka = createTestKafka('catalog');
  const topics = await createTopicsRetrying(kafka);
  const topic = topics[Topics.catalog.name];
  if (topic === undefined) throw new Error('createTestTopics made no catalog topic');
  await migrateBusTables(db.url, CATALOG_SCHEMA);
  await migrate({ databaseUrl: db.url, schema: CATALOG_SCHEMA, dir: catalogMigrationsDir });

  let publishedCount = 0;
  const producer = createProducer(kafka, { log: silentLog });
  await producer.connect();
  const relay = createOutboxRelay({
    databaseUrl: db.url,
    pool: db.pool,
    schema: CATALOG_SCHEMA,
    producer,
    log: silentLog,
    pollInterval: 100,
    afterPublish: (messages) => {
      publishedCount += messages.length;
    },
  });
  relay.start();

  const verifier = createTokenVerifier({ hmacSecret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const app = await buildApp(
    {
      pool: db.pool,
      kafka,
      logger: createLogger({ service: 'catalog-test', level: 'silent' }),
      verifier,
      readiness: createReadinessState(),
    },
    { schema: CATALOG_SCHEMA, catalogTopic: topic },
  );
  afterAll(async () => {
    await app.close();
    await relay.stop();
    await producer.disconnect();
  });

  return {
    app,
    db,
    kafka,
    topic,
    operator: { authorization: `Bearer ${await token('operator-1', [OPERATOR_SCOPE])}` },
    customer: async (customerId) => ({ authorization: `Bearer ${await token(customerId, [])}` }),
    async publishedEvents() {
      await expect.poll(() => relay.pending(), { timeout: 15_000, interval: 50 }).toBe(0);
      const messages = await readTopic(kafka, topic, publishedCount, 20_000);
      expect(messages).toHaveLength(publishedCount);
      return messages.map((m) => {
        const event = codec.decode(m.value);
        // The key compaction works on: a model's events under model:<id>, a device's under its id.
        const expectedKey = 'deviceId' in event ? event.deviceId : event.key;
        expect(m.key?.toString()).toBe(expectedKey);
        return event;
      });
    },
  };
}

/** Mints a token the harness's verifier accepts. */
export function token(subject: string, scopes: string[], options: { secret?: string } = {}): Promise<string> {
  return mintToken({ hmacSecret: options.secret ?? SECRET, issuer: ISSUER, audience: AUDIENCE, subject, scopes });
}

/**
 * createTestTopics, tried again under the same names when it fails: while other test files create
 * their topics at the same time, the broker may not yet know a topic it has just created when kafkajs
 * asks for its leaders (UNKNOWN_TOPIC_OR_PARTITION, which the bus rightly treats as final for a
 * publish). Creation is idempotent, so a retry completes the set; the last failure is rethrown.
 */
async function createTopicsRetrying(kafka: Kafka): Promise<Record<string, string>> {
  const suffix = testSuffix();
  for (let attempt = 1; ; attempt++) {
    try {
      return await createTestTopics(kafka, suffix);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
