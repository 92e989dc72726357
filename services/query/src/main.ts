/**
 * The query process: configuration, clients, migrations, the HTTP server (which starts the catalog.v1
 * projection, the inventory.v1 tail and the outbox relay), and a graceful shutdown on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { tokenVerifierFromConfig } from '@restock/auth';
import { brokerList } from '@restock/config';
import { describeError } from '@restock/errors';
import { closeOnSignals } from '@restock/http';
import { createKafka, createProducer, migrateServiceSchema } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { createRedis } from '@restock/redis';
import { createLogger } from '@restock/telemetry';
import { buildApp } from './app.js';
import { loadQueryEnv, queryConfigFrom } from './config.js';
import { queryMigrationsDir } from './store/migrations-dir.js';

const SERVICE = 'query';

const env = (() => {
  try {
    return loadQueryEnv(process.env);
  } catch (error) {
    createLogger({ service: SERVICE }).fatal({ err: error }, 'the query service is not configured correctly');
    process.exit(1);
  }
})();
const config = queryConfigFrom(env);
const logger = createLogger({ service: SERVICE, level: env.LOG_LEVEL });
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

const pool = createPool({
  connectionString: env.DATABASE_URL,
  max: env.QUERY_PG_POOL_MAX,
  applicationName: SERVICE,
  onError: (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool replaces it'),
});
// ioredis reports every failed reconnect; one line per outage minute is enough to see it.
let lastRedisComplaint = 0;
const redis = createRedis({
  url: env.REDIS_URL,
  keyPrefix: env.QUERY_REDIS_PREFIX,
  onError: (error) => {
    if (Date.now() - lastRedisComplaint < 60_000) return;
    lastRedisComplaint = Date.now();
    logger.warn({ reason: describeError(error) }, 'Redis is unavailable; answers come from PostgreSQL meanwhile');
  },
});
const kafka = createKafka({ brokers: brokerList(env.KAFKA_BROKERS), clientId: SERVICE, log: logger });
const producer = createProducer(kafka, { log: logger });

try {
  const migrationLog = (message: string) => logger.debug({ migration: message }, 'migration');
  // The bus tables first (the catalog projection's offsets, the outbox), then the service's own.
  await migrateServiceSchema({
    databaseUrl: env.DATABASE_URL,
    schema: config.schema,
    dir: queryMigrationsDir,
    log: migrationLog,
  });
  await producer.connect();
  const verifier = tokenVerifierFromConfig(env);
  const app = await buildApp(
    { pool, redis, kafka, producer, databaseUrl: env.DATABASE_URL, verifier, logger, version },
    config,
  );
  await app.listen({ host: env.QUERY_HOST, port: env.QUERY_PORT });
  logger.info({ port: env.QUERY_PORT, liveGroup: config.liveGroup }, 'query service started');
  closeOnSignals({
    log: logger,
    // The app first (open streams end, no new requests, its consumers leave their groups, the relay
    // stops), then the clients it used.
    closers: [
      { name: 'http', close: () => app.close() },
      { name: 'producer', close: () => producer.disconnect() },
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
  logger.fatal({ err: error, reason: describeError(error) }, 'the query service failed to start');
  await producer.disconnect().catch(() => {});
  await pool.end().catch(() => {});
  redis.disconnect();
  process.exit(1);
}
