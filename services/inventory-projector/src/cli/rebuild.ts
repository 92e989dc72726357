/**
 * `pnpm --filter @restock/inventory-projector rebuild [--keep-old]`: drops nothing until the new
 * projection is complete, shows a progress bar (events, events/s, ETA), then swaps it in.
 */
import { brokerList, loadConfig } from '@restock/config';
import { createKafka } from '@restock/kafka';
import { createPool } from '@restock/postgres';
import { createLogger } from '@restock/telemetry';
import cliProgress from 'cli-progress';
import { ProjectorConfig } from '../config.js';
import { rebuildProjection } from '../rebuild.js';

const config = loadConfig(ProjectorConfig);
const log = createLogger({ service: 'inventory-projector-rebuild', level: 'warn' });
const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'inventory-projector-rebuild' });
const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: 'inventory-projector-rebuild', log });
const bar = new cliProgress.SingleBar(
  {
    format: 'rebuild |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted} | {phase}',
    etaBuffer: 20,
    // In a log (no terminal) the bar still prints a line every few seconds.
    noTTYOutput: true,
    notTTYSchedule: 5_000,
  },
  cliProgress.Presets.shades_classic,
);
let begun = false;

try {
  const result = await rebuildProjection({
    pool,
    kafka,
    databaseUrl: config.DATABASE_URL,
    config,
    log,
    clock: () => new Date(),
    keepOld: process.argv.includes('--keep-old'),
    onProgress: (p) => {
      if (!begun) {
        bar.start(Math.max(p.total, 1), 0, { rate: 0, phase: p.phase });
        begun = true;
      }
      bar.setTotal(Math.max(p.total, p.applied, 1));
      bar.update(p.applied, { rate: p.eventsPerSecond, phase: p.phase });
    },
  });
  bar.stop();
  process.stdout.write(`rebuilt schema ${result.schema}: ${result.applied} events in ${result.seconds.toFixed(1)} s\n`);
} catch (error) {
  bar.stop();
  process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
