import { fileURLToPath } from 'node:url';
import {
  type BusLog,
  createProjectionConsumer,
  type Kafka,
  migrateServiceSchema,
  topicEndOffsets,
} from '@restock/kafka';
import { type Pool, quoteIdent } from '@restock/postgres';
import { projectorSubscriptions, swapLockKey } from './app.js';
import type { ProjectorConfig } from './config.js';
import { createInventoryHandler } from './handlers/inventory-handler.js';
import { createInventoryStore } from './store/inventory-store.js';

const migrations = fileURLToPath(new URL('./store/migrations', import.meta.url));

export interface RebuildProgress {
  applied: number;
  total: number;
  eventsPerSecond: number;
  /** Seconds left at the current rate, or null while unknown. */
  etaSeconds: number | null;
  phase: 'replaying' | 'catching-up' | 'swapping' | 'done';
}

export interface RebuildOptions {
  pool: Pool;
  kafka: Kafka;
  databaseUrl: string;
  config: ProjectorConfig;
  log: BusLog;
  clock: () => Date;
  onProgress?: (p: RebuildProgress) => void;
  /** Keep the replaced tables as `<schema>_old_<stamp>` instead of dropping them. */
  keepOld?: boolean;
  /** ms to hold the live projector paused while the rebuild catches up with it before the swap. */
  swapTimeout?: number;
}

/**
 * Rebuilds the projection from the log without the query side ever seeing a half-built state:
 * replays every topic from the beginning into a shadow schema (publishing nothing), then, holding the
 * swap lock so the live projector pauses between batches, catches up with the live offsets and swaps
 * the schemas by renaming them in one transaction. Offsets are stored under the live group's name, so
 * the live projector simply continues from the rebuilt tables.
 */
export async function rebuildProjection(
  options: RebuildOptions,
): Promise<{ applied: number; seconds: number; schema: string }> {
  const { config, pool } = options;
  const live = config.DB_SCHEMA;
  const stamp = options.clock().toISOString().replace(/\D/g, '').slice(0, 14);
  const shadow = `${live}_rebuild_${stamp}`.slice(0, 63);
  const old = `${live}_old_${stamp}`.slice(0, 63);
  const started = Date.now();

  await migrateServiceSchema({ databaseUrl: options.databaseUrl, schema: shadow, dir: migrations });

  const subscriptions = projectorSubscriptions(config);
  const ends = await topicEndOffsets(
    options.kafka,
    subscriptions.map((s) => s.topic),
  );
  const total = ends.reduce((a, e) => a + e.end, 0);
  const handler = createInventoryHandler({
    store: createInventoryStore(shadow),
    emitChanges: false,
    inventoryTopic: config.TOPIC_INVENTORY,
    clock: options.clock,
  });
  const consumer = createProjectionConsumer({
    kafka: options.kafka,
    pool,
    schema: shadow,
    groupId: `${config.GROUP_ID}-rebuild-${stamp}`,
    offsetGroup: config.GROUP_ID,
    subscriptions,
    log: options.log,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    beginBatch: (tx, keys, topic) => handler.beginBatch(tx, keys, topic === config.TOPIC_CATALOG),
    handle: handler.handle,
    handleBatch: handler.handleBatch,
    endBatch: handler.endBatch,
  });

  const shadowOffsets = async () => {
    const r = await pool.query<{ topic: string; partition: number; next_offset: number }>(
      `SELECT topic, partition, next_offset FROM ${quoteIdent(shadow)}.consumer_offsets WHERE group_id = $1`,
      [config.GROUP_ID],
    );
    return r.rows;
  };
  let lastApplied = 0;
  let lastAt = Date.now();
  let rate = 0;
  const report = async (phase: RebuildProgress['phase']) => {
    const applied = (await shadowOffsets()).reduce((a, o) => a + o.next_offset, 0);
    const now = Date.now();
    if (now > lastAt)
      rate =
        rate === 0
          ? ((applied - lastApplied) * 1000) / (now - lastAt)
          : 0.7 * rate + (0.3 * ((applied - lastApplied) * 1000)) / (now - lastAt);
    lastApplied = applied;
    lastAt = now;
    options.onProgress?.({
      applied,
      total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.max(0, Math.round((total - applied) / rate)) : null,
      phase,
    });
    return applied;
  };
  const reached = (
    target: { topic: string; partition: number; end: number }[],
    have: { topic: string; partition: number; next_offset: number }[],
  ) =>
    target.every(
      (t) =>
        t.end === 0 ||
        (have.find((h) => h.topic === t.topic && h.partition === t.partition)?.next_offset ?? 0) >= t.end,
    );

  await consumer.start();
  try {
    // Phase 1: replay up to the end offsets seen at the start.
    while (!reached(ends, await shadowOffsets())) {
      await report('replaying');
      await new Promise((r) => setTimeout(r, 500));
    }
    await report('catching-up');

    // Phase 2: pause the live projector (exclusive swap lock), catch up with its offsets, swap.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [swapLockKey(live)]);
      const liveExists = (await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [live])).rowCount === 1;
      const liveOffsets = liveExists
        ? (
            await client.query<{ topic: string; partition: number; next_offset: number }>(
              `SELECT topic, partition, next_offset FROM ${quoteIdent(live)}.consumer_offsets WHERE group_id = $1`,
              [config.GROUP_ID],
            )
          ).rows.map((o) => ({ topic: o.topic, partition: o.partition, end: o.next_offset }))
        : [];
      const deadline = Date.now() + (options.swapTimeout ?? 20_000);
      while (!reached(liveOffsets, await shadowOffsets())) {
        if (Date.now() > deadline) throw new Error('the rebuild could not catch up with the live projector in time');
        await new Promise((r) => setTimeout(r, 100));
      }
      options.onProgress?.({
        applied: await report('swapping'),
        total,
        eventsPerSecond: 0,
        etaSeconds: 0,
        phase: 'swapping',
      });
      await consumer.stop();
      if (liveExists) {
        // Events the live projector wrote but its relay has not published yet move with the tables.
        await client.query(
          `INSERT INTO ${quoteIdent(shadow)}.outbox (event_id, topic, key, value, headers, created_at)
           SELECT event_id, topic, key, value, headers, created_at FROM ${quoteIdent(live)}.outbox ORDER BY seq`,
        );
        await client.query(`ALTER SCHEMA ${quoteIdent(live)} RENAME TO ${quoteIdent(old)}`);
      }
      await client.query(`ALTER SCHEMA ${quoteIdent(shadow)} RENAME TO ${quoteIdent(live)}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (!options.keepOld) await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(old)} CASCADE`);
  } catch (error) {
    await consumer.stop().catch(() => {});
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow)} CASCADE`).catch(() => {});
    throw error;
  }
  const applied = lastApplied;
  options.onProgress?.({ applied, total, eventsPerSecond: 0, etaSeconds: 0, phase: 'done' });
  return { applied, seconds: (Date.now() - started) / 1000, schema: live };
}
