import { tokenVerifierFromConfig } from '@restock/auth';
import { brokerList } from '@restock/config';
import { closeOnSignals } from '@restock/http';
import { createKafka, createOutboxRelay, createProducer, migrateServiceSchema } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { createLogger } from '@restock/telemetry';
import { buildApp } from './app.js';
import { CATALOG_SCHEMA, loadCatalogConfig } from './config.js';
import { catalogMigrationsDir } from './store/migrations-dir.js';

const SERVICE = 'catalog';

const config = (() => {
  try {
    return loadCatalogConfig(process.env);
  } catch (error) {
    createLogger({ service: SERVICE }).fatal({ err: error }, 'the catalog service is not configured correctly');
    process.exit(1);
  }
})();
const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });

try {
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    applicationName: `restock-${SERVICE}`,
    onError: (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool replaces it'),
  });
  const log = (message: string) => logger.info({ component: 'migrations' }, message);
  // The bus tables first: the catalogue's own migrations may rely on the outbox being there.
  await migrateServiceSchema({
    databaseUrl: config.DATABASE_URL,
    schema: CATALOG_SCHEMA,
    dir: catalogMigrationsDir,
    log,
  });

  const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: `restock-${SERVICE}`, log: logger });
  const producer = createProducer(kafka, { log: logger });
  await producer.connect();
  const relay = createOutboxRelay({
    databaseUrl: config.DATABASE_URL,
    pool,
    schema: CATALOG_SCHEMA,
    producer,
    log: logger,
  });
  relay.start();

  const verifier = tokenVerifierFromConfig(config);
  const app = await buildApp(
    { pool, kafka, logger, verifier },
    { schema: CATALOG_SCHEMA, catalogTopic: config.CATALOG_TOPIC },
  );
  await app.listen({ host: config.HOST, port: config.PORT });

  closeOnSignals({
    log: logger,
    // In order: stop taking requests, stop publishing (unpublished rows stay in the outbox for the
    // next start), then let go of Kafka and PostgreSQL.
    closers: [
      { name: 'http', close: () => app.close() },
      { name: 'outbox-relay', close: () => relay.stop() },
      { name: 'kafka-producer', close: () => producer.disconnect() },
      { name: 'postgres', close: () => pool.end() },
    ],
  });
} catch (error) {
  logger.fatal({ err: error }, 'the catalog service could not start');
  process.exitCode = 1;
  // Open sockets (pool, Kafka) would keep a half-started process alive; it has nothing left to do.
  setTimeout(() => process.exit(1), 1_000).unref();
}
