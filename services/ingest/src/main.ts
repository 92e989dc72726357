/**
 * The ingest process: configuration, clients, migrations, the catalog.v1 projection, the HTTP
 * server, and a graceful shutdown on SIGTERM/SIGINT.
 */
import { fileURLToPath } from 'node:url';
import { brokerList } from '@restock/config';
import { describeError } from '@restock/errors';
import { closeOnSignals } from '@restock/http';
import { createKafka, createOutboxRelay, migrateServiceSchema } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { createRedis } from '@restock/redis';
import { createLogger } from '@restock/telemetry';
import { buildApp } from './app.js';
import { ingestConfigFrom, loadIngestEnv } from './config.js';
import { createCatalogConsumer } from './handlers/catalog-projection.js';
import { createIngestPublisher } from './store/event-publisher.js';

const env = loadIngestEnv();
const config = ingestConfigFrom(env);
const logger = createLogger({ service: 'ingest', level: env.LOG_LEVEL });
const brokers = brokerList(env.KAFKA_BROKERS);

const pool = createPool({
  connectionString: env.DATABASE_URL,
  max: env.INGEST_PG_POOL_MAX,
  applicationName: 'ingest',
  onError: (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection failed'),
});
// ioredis reports every failed reconnect; one line per outage minute is enough to see it.
let lastRedisComplaint = 0;
const redis = createRedis({
  url: env.REDIS_URL,
  keyPrefix: 'restock:ingest:',
  onError: (error) => {
    if (Date.now() - lastRedisComplaint < 60_000) return;
    lastRedisComplaint = Date.now();
    logger.warn({ reason: describeError(error) }, 'Redis is unavailable; rate limits are not enforced meanwhile');
  },
});
const kafka = createKafka({ brokers, clientId: 'ingest', log: logger });
const publisher = createIngestPublisher({ brokers, clientId: 'ingest-publisher', log: logger });
const consumer = createCatalogConsumer({
  kafka,
  pool,
  schema: config.schema,
  groupId: env.INGEST_CATALOG_GROUP,
  topic: env.INGEST_CATALOG_TOPIC,
  log: logger,
});
// Dead letters of the catalog projection are written to ingest's outbox; this publishes them.
const relay = createOutboxRelay({
  databaseUrl: env.DATABASE_URL,
  pool,
  schema: config.schema,
  producer: publisher,
  log: logger,
});

try {
  const migrationLog = (message: string) => logger.debug({ migration: message }, 'migration');
  await migrateServiceSchema({
    databaseUrl: env.DATABASE_URL,
    schema: config.schema,
    dir: fileURLToPath(new URL('./store/migrations', import.meta.url)),
    log: migrationLog,
  });
  await publisher.connect();
  await consumer.start();
  relay.start();
  const app = await buildApp({ pool, redis, publisher, kafka, catalogConsumer: consumer, logger }, config);
  await app.listen({ host: env.INGEST_HOST, port: env.INGEST_PORT });
  closeOnSignals({
    log: logger,
    // What takes work in first, then what finishes it, then the clients.
    closers: [
      { name: 'http', close: () => app.close() },
      { name: 'catalog consumer', close: () => consumer.stop() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'publisher', close: () => publisher.disconnect() },
      { name: 'postgres', close: () => pool.end() },
      {
        name: 'redis',
        close: async () => {
          await redis.quit().catch(() => redis.disconnect());
        },
      },
    ],
  });
} catch (error) {
  logger.fatal({ err: error, reason: describeError(error) }, 'ingest failed to start');
  await consumer.stop().catch(() => {});
  await relay.stop().catch(() => {});
  await publisher.disconnect().catch(() => {});
  await pool.end().catch(() => {});
  redis.disconnect();
  process.exit(1);
}
