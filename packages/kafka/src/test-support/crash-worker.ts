/**
 * A projection consumer in its own process, for the crash test. With KILL_AFTER_COMMIT=1 it SIGKILLs
 * itself right after its first batch's transaction commits, before anything else runs (no Kafka
 * offset commit, no clean leave). Without it, it runs until SIGTERM.
 */
import { type ConsumptionReported, createCodec, Topics } from '@restock/events';
import { createPool } from '@restock/postgres';
import { createKafka } from '../client.js';
import { createProjectionConsumer } from '../consumer.js';
import type { BusLog } from '../log.js';

const env = process.env;
const killAfterCommit = env.KILL_AFTER_COMMIT === '1';
// Errors go to stderr, and a consumer that crashes for good ends the process loudly, so the test
// reports why instead of waiting for a kill that never comes.
const log: BusLog = {
  debug() {},
  info() {},
  warn() {},
  error(obj, msg) {
    process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj, (_k, v) => (v instanceof Error ? v.message : v))}\n`);
    if (msg === 'consumer crashed') process.exit(2);
  },
};

const schema = env.SCHEMA ?? 'public';
const pool = createPool({ connectionString: env.DATABASE_URL ?? '', max: 2 });
const kafka = createKafka({ brokers: (env.KAFKA_BROKERS ?? '').split(','), clientId: 'crash-worker', log });
const consumer = createProjectionConsumer({
  kafka,
  pool,
  schema,
  groupId: env.GROUP_ID ?? '',
  subscriptions: [{ topic: env.TOPIC ?? '', codec: createCodec(Topics.consumption) }],
  log,
  sessionTimeout: Number(env.SESSION_TIMEOUT ?? 6000),
  heartbeatInterval: 500,
  handle: async (tx, event) => {
    const e = event as ConsumptionReported;
    await tx.query(`INSERT INTO ${schema}.applied (event_id, device_id, quantity) VALUES ($1, $2, $3)`, [
      e.id,
      e.deviceId,
      e.data.quantity,
    ]);
    await tx.query(
      `INSERT INTO ${schema}.totals (device_id, quantity) VALUES ($1, $2)
       ON CONFLICT (device_id) DO UPDATE SET quantity = totals.quantity + EXCLUDED.quantity`,
      [e.deviceId, e.data.quantity],
    );
  },
  afterCommit: ({ applied }) => {
    if (killAfterCommit && applied > 0) {
      process.stdout.write(`committed ${applied}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});

process.on('SIGTERM', () => {
  void consumer
    .stop()
    .then(() => pool.end())
    .then(() => process.exit(0));
});

await consumer.start();
process.stdout.write('started\n');
