/**
 * The device simulator process (development, demo and load only): configuration, the setup through
 * the catalog admin API, then devices reporting to ingest until SIGTERM or SIGINT.
 */
import { describeError } from '@restock/errors';
import { closeOnSignals } from '@restock/http';
import { createLogger } from '@restock/telemetry';
import { loadSimulatorEnv } from './config.js';
import { createSimulator } from './simulator.js';

const env = (() => {
  try {
    return loadSimulatorEnv();
  } catch (error) {
    createLogger({ service: 'device-simulator' }).fatal({ reason: describeError(error) }, 'invalid configuration');
    process.exit(1);
  }
})();
const logger = createLogger({ service: 'device-simulator', level: env.LOG_LEVEL });
const simulator = createSimulator({ config: env, log: logger });

// Installed before the setup, which may wait minutes for ingest and the catalog: a Ctrl-C then stops
// the wait instead of being ignored until it ends.
closeOnSignals({ log: logger, closers: [{ name: 'simulator', close: () => simulator.stop() }] });

try {
  await simulator.setup();
  simulator.start();
  logger.info({ seed: simulator.seed }, 'devices are reporting (set SEED to repeat this run)');
} catch (error) {
  logger.fatal({ err: error, reason: describeError(error) }, 'the device simulator could not start');
  await simulator.stop().catch(() => {});
  process.exit(1);
}
