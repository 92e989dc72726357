import { fileURLToPath } from 'node:url';
import { createCodec, Topics } from '@restock/events';
import { busMigrationsDir } from '@restock/kafka';
import { migrate, type Pool, withTransaction } from '@restock/postgres';
import { createInventoryHandler } from '../handlers/inventory-handler.js';
import { createInventoryStore } from '../store/inventory-store.js';
import type { Prng, TopicEvent } from './history.js';

const codecs = {
  catalog: createCodec(Topics.catalog),
  consumption: createCodec(Topics.consumption),
  orders: createCodec(Topics.orders),
  subscriptions: createCodec(Topics.subscriptions),
  adjustments: createCodec(Topics.adjustments),
};

export const PROJECTION_TABLES = [
  'models',
  'devices',
  'registrations',
  'subscriptions',
  'slot_facts',
  'slots',
  'daily_consumption',
  'orders',
  'purged_orders',
  'applied_events',
] as const;

export async function migrateProjection(databaseUrl: string, schema: string): Promise<void> {
  await migrate({ databaseUrl, schema, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
  await migrate({ databaseUrl, schema, dir: fileURLToPath(new URL('../store/migrations', import.meta.url)) });
}

/**
 * Applies events through the real handler in transactions of random size, as the consumer does. With
 * `crashes`, some batches first fail half-way (their transaction rolls back, as a crash would) and are
 * then applied again, as the consumer does after a restart.
 */
export async function applyInBatches(
  pool: Pool,
  schema: string,
  events: TopicEvent[],
  rng: Prng,
  crashes = 0,
  mode: 'per-event' | 'batch' = 'per-event',
): Promise<void> {
  const handler = createInventoryHandler({
    store: createInventoryStore(schema),
    emitChanges: true,
    inventoryTopic: 'inventory.v1',
    clock: () => new Date(Date.UTC(2026, 5, 1)),
  });
  let i = 0;
  let crashesLeft = crashes;
  while (i < events.length) {
    const batch = events.slice(i, i + rng.int(1, 15));
    const run = async (upTo: number, crash: boolean) =>
      withTransaction(pool, async (tx) => {
        const ctx = await handler.beginBatch(tx, [...new Set(batch.map((e) => e.event.deviceId ?? e.event.key ?? ''))]);
        const items = batch.slice(0, upTo).map((e, n) => ({
          event: codecs[e.topic].decode(Buffer.from(JSON.stringify(e.event))),
          meta: { topic: e.topic, partition: 0, offset: String(n), key: null, timestamp: '0' },
        }));
        if (mode === 'batch') await handler.handleBatch(tx, items, ctx);
        else for (const item of items) await handler.handle(tx, item.event, item.meta, ctx);
        await handler.endBatch(tx, ctx);
        if (crash) throw new Error('crash');
      });
    if (crashesLeft > 0 && rng.chance(0.2)) {
      crashesLeft--;
      await run(Math.ceil(batch.length / 2), true).catch(() => {});
    }
    await run(batch.length, false);
    i += batch.length;
  }
}

/** Every row of the projection, sorted, for comparing two projections of the same history. */
export async function dumpProjection(pool: Pool, schema: string): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of PROJECTION_TABLES) {
    const { rows } = await pool.query(`SELECT * FROM "${schema}".${table}`);
    dump[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return dump;
}
