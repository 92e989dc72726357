import { fileURLToPath } from 'node:url';
import { brokerList, loadConfig } from '@restock/config';
import { closeOnSignals, createHttpApp, registerHealthRoutes, registerMetricsRoute } from '@restock/http';
import { createKafka, createProducer, migrateServiceSchema, pingKafka } from '@restock/kafka';
import { createPool, pingPostgres } from '@restock/postgres';
import { createLogger } from '@restock/telemetry';
import { buildPolicyService } from './app.js';
import { PolicyServiceConfig } from './config.js';

const config = loadConfig(PolicyServiceConfig);
const log = createLogger({ service: 'reorder-policy', level: config.LOG_LEVEL });
const migrations = fileURLToPath(new URL('./store/migrations', import.meta.url));

await migrateServiceSchema({ databaseUrl: config.DATABASE_URL, schema: config.DB_SCHEMA, dir: migrations });

const pool = createPool({
  connectionString: config.DATABASE_URL,
  applicationName: 'reorder-policy',
  onError: (error) => log.warn({ err: error }, 'idle PostgreSQL client failed'),
});
const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: 'reorder-policy', log });
const producer = createProducer(kafka, { log });
await producer.connect();

const service = buildPolicyService(
  { pool, kafka, producer, log, clock: () => new Date(), databaseUrl: config.DATABASE_URL },
  config,
);
const app = await createHttpApp({ logger: log });
registerHealthRoutes(app, {
  checks: {
    postgres: () => pingPostgres(pool),
    kafka: () => pingKafka(kafka),
    consumer: async () => {
      if (!service.consumer.isRunning()) throw new Error('the consumer is not running');
    },
  },
});
registerMetricsRoute(app);
await service.start();
await app.listen({ host: config.HOST, port: config.PORT });
log.info({ port: config.PORT, schema: config.DB_SCHEMA, rule: config.POLICY_RULE }, 'reorder policy started');

closeOnSignals({
  log,
  closers: [
    { name: 'policy', close: () => service.stop() },
    { name: 'http', close: () => app.close() },
    { name: 'producer', close: () => producer.disconnect() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
