import { fileURLToPath } from 'node:url';
import { brokerList, loadConfig } from '@restock/config';
import { closeOnSignals, createHttpApp, registerHealthRoutes, registerMetricsRoute } from '@restock/http';
import { createKafka, createProducer, migrateServiceSchema, pingKafka } from '@restock/kafka';
import { createPool, pingPostgres } from '@restock/postgres';
import { createLogger } from '@restock/telemetry';
import { buildGateway } from './app.js';
import { DEVELOPMENT_TOKEN_KEY, GatewayConfig } from './config.js';

const config = loadConfig(GatewayConfig);
const log = createLogger({ service: 'drs-gateway', level: config.LOG_LEVEL });
if (config.TOKEN_ENCRYPTION_KEY === DEVELOPMENT_TOKEN_KEY) {
  log.warn({}, 'TOKEN_ENCRYPTION_KEY is the development key: set a secret one anywhere but a laptop');
}
const migrations = fileURLToPath(new URL('./store/migrations', import.meta.url));

await migrateServiceSchema({ databaseUrl: config.DATABASE_URL, schema: config.DB_SCHEMA, dir: migrations });

const pool = createPool({
  connectionString: config.DATABASE_URL,
  applicationName: 'drs-gateway',
  onError: (error) => log.warn({ err: error }, 'idle PostgreSQL client failed'),
});
const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: 'drs-gateway', log });
const producer = createProducer(kafka, { log });
await producer.connect();

const gateway = buildGateway(
  { pool, kafka, producer, log, clock: () => new Date(), databaseUrl: config.DATABASE_URL },
  config,
);
const app = await createHttpApp({ logger: log });
registerHealthRoutes(app, {
  checks: {
    postgres: () => pingPostgres(pool),
    kafka: () => pingKafka(kafka),
    consumer: async () => {
      if (!gateway.consumer.isRunning()) throw new Error('the consumer is not running');
    },
  },
});
registerMetricsRoute(app);
await gateway.start();
await app.listen({ host: config.HOST, port: config.PORT });
log.info(
  { port: config.PORT, schema: config.DB_SCHEMA, drs: config.DRS_BASE_URL, lwa: config.LWA_TOKEN_URL },
  'drs gateway started',
);

closeOnSignals({
  log,
  closers: [
    { name: 'gateway', close: () => gateway.stop() },
    { name: 'http', close: () => app.close() },
    { name: 'producer', close: () => producer.disconnect() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
