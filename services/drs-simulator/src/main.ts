import { loadConfig } from '@restock/config';
import { closeOnSignals } from '@restock/http';
import { createPool } from '@restock/postgres';
import { createLogger } from '@restock/telemetry';
import { buildApp } from './app.js';
import { SimulatorConfigSchema } from './config.js';
import { migrateSimulator } from './store/migrate.js';

// The process: config, logger, pool, migrations, the app, the port, and a graceful close on SIGTERM.
const config = loadConfig(SimulatorConfigSchema);
const log = createLogger({ service: 'drs-simulator', level: config.LOG_LEVEL });
const pool = createPool({
  connectionString: config.DATABASE_URL,
  applicationName: 'drs-simulator',
  onError: (error) => log.warn({ err: error }, 'idle PostgreSQL connection failed'),
});

const applied = await migrateSimulator(config.DATABASE_URL, (message) => log.debug({ message }, 'migration'));
if (applied.length > 0) log.info({ applied }, 'migrations applied');

const app = await buildApp({ pool, log, clock: () => new Date() }, config);
closeOnSignals({
  log,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
await app.listen({ host: config.HOST, port: config.PORT });
log.warn(
  { url: `http://${config.HOST}:${config.PORT}` },
  'DRS SIMULATOR (dev and test only): Amazon is not involved, nothing is ordered',
);
