import { brokerList } from '@restock/config';
import { StandaloneDlqTopics, Topics } from '@restock/events';
import { closeOnSignals } from '@restock/http';
import { createKafka, createProducer, migrateServiceSchema } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { createRedis } from '@restock/redis';
import { createLogger } from '@restock/telemetry';
import { buildApp } from './app.js';
import { parseBridgeConfig } from './config.js';
import { createBridgeCertificateSource } from './sns/certificate-source.js';
import { createSubscriptionConfirmer } from './sns/subscription-confirmer.js';
import { bridgeMigrationsDir } from './store/migrations-dir.js';

const SERVICE = 'sns-bridge';
/** As declared in package.json (`restock.schema`), which local bootstrap reads. */
const SCHEMA = 'sns_bridge';
const [SNS_DLQ_TOPIC] = StandaloneDlqTopics;
const PUBLISH_RETRY = { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 }; // ms

const config = parseBridgeConfig();
const { env } = config;
const log = createLogger({ service: SERVICE, level: env.LOG_LEVEL });

if (config.insecureOrigins.length > 0) {
  log.warn(
    { insecureOrigins: config.insecureOrigins },
    'DEVELOPMENT ONLY: certificates and subscribe URLs are also trusted over http from these origins',
  );
}

// Migrations run under a lock per schema, so replicas starting together apply each once.
await migrateServiceSchema({ databaseUrl: env.DATABASE_URL, schema: SCHEMA, dir: bridgeMigrationsDir });

const pool = createPool({
  connectionString: env.DATABASE_URL,
  applicationName: SERVICE,
  onError: (error) => log.warn({ err: error }, 'idle PostgreSQL client failed'),
});
const redis = createRedis({
  url: env.REDIS_URL,
  keyPrefix: `restock:${SERVICE}:`,
  onError: (error) => log.debug({ err: error }, 'Redis connection error'),
});
const kafkaLog = log.child({ component: 'kafka' });
const kafka = createKafka({ brokers: brokerList(env.KAFKA_BROKERS), clientId: SERVICE, log: kafkaLog });
const clock = () => new Date();

const app = await buildApp(
  {
    log,
    pool,
    redis,
    kafka,
    newPublishProducer: () =>
      createProducer(kafka, {
        log: kafkaLog,
        ackTimeout: env.KAFKA_PUBLISH_TIMEOUT_MS,
        // Bounded, so that a send fails while SNS still waits for the answer; the app then replaces the
        // producer, as a producer whose send failed must not be reused (see ProducerOptions.retry).
        retry: PUBLISH_RETRY,
      }),
    relayProducer: createProducer(kafka, { log: kafkaLog }),
    certificateSource: createBridgeCertificateSource({
      kind: env.SNS_CERT_SOURCE,
      directory: env.SNS_CERT_DIR,
      cacheTtlMs: env.SNS_CERT_CACHE_TTL_MS,
      timeoutMs: env.SNS_HTTP_TIMEOUT_MS,
      insecureOrigins: config.insecureOrigins,
      clock,
    }),
    confirmer: createSubscriptionConfirmer({ timeoutMs: env.SNS_HTTP_TIMEOUT_MS }),
    clock,
  },
  {
    schema: SCHEMA,
    databaseUrl: env.DATABASE_URL,
    topics: {
      orders: Topics.orders.name,
      subscriptions: Topics.subscriptions.name,
      catalog: Topics.catalog.name,
      snsDlq: SNS_DLQ_TOPIC,
    },
    catalogGroupId: env.CATALOG_GROUP_ID,
    allowedTopicArns: config.allowedTopicArns,
    certificateHosts: config.certificateHosts,
    insecureOrigins: config.insecureOrigins,
    dedupWindowSeconds: env.DEDUP_WINDOW_SECONDS,
    publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
  },
);

closeOnSignals({
  log,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  closers: [
    // The HTTP server first (in-flight deliveries finish), then, through the app's onClose, the catalog
    // consumer, the relay and the producers; the pools last.
    { name: 'http and Kafka', close: () => app.close() },
    { name: 'postgres', close: () => pool.end() },
    {
      name: 'redis',
      close: async () => {
        await redis.quit();
      },
    },
  ],
});

await app.listen({ host: env.HOST, port: env.PORT });
log.info(
  { allowedTopicArns: config.allowedTopicArns, certificateSource: env.SNS_CERT_SOURCE },
  'sns-bridge accepting SNS deliveries on POST /sns',
);
