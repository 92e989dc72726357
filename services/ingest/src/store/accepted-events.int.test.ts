import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { migrate, type Tx } from '@restock/postgres';
import { createTestDatabase, type TestDatabase } from '@restock/postgres/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptedEvents, acceptedKey } from './accepted-events.js';

const SCHEMA = 'ingest';
const store = acceptedEvents(SCHEMA);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate({ databaseUrl: db.url, schema: SCHEMA, dir: fileURLToPath(new URL('./migrations', import.meta.url)) });
});

async function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await db.pool.connect();
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } finally {
    tx.release();
  }
}

/** recordNew for one device, answering with the bare event ids. */
async function recordNew(tx: Tx, deviceId: string, eventIds: string[], acceptedAt = new Date()): Promise<Set<string>> {
  const keys = await store.recordNew(
    tx,
    eventIds.map((eventId) => ({ deviceId, eventId, acceptedAt })),
  );
  return new Set(eventIds.filter((id) => keys.has(acceptedKey(deviceId, id))));
}

const settled = (p: Promise<unknown>) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);

describe('accepted event ids', () => {
  it('returns only the ids a device had not sent before', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const now = new Date();
    expect(await inTransaction((tx) => recordNew(tx, 'dev-1', [a, b], now))).toEqual(new Set([a, b]));
    expect(await inTransaction((tx) => recordNew(tx, 'dev-1', [b, c], now))).toEqual(new Set([c]));
    expect(await inTransaction((tx) => recordNew(tx, 'dev-2', [a], now))).toEqual(new Set([a]));
  });

  it('records an id that appears twice in one transaction once, for two devices separately', async () => {
    const id = randomUUID();
    const at = new Date();
    const keys = await inTransaction((tx) =>
      store.recordNew(tx, [
        { deviceId: 'dev-7', eventId: id, acceptedAt: at },
        { deviceId: 'dev-7', eventId: id, acceptedAt: at },
        { deviceId: 'dev-8', eventId: id, acceptedAt: at },
      ]),
    );
    expect(keys).toEqual(new Set([acceptedKey('dev-7', id), acceptedKey('dev-8', id)]));
  });

  it('makes a second request with the same id wait for the first, then answers it as a duplicate', async () => {
    const id = randomUUID();
    const first = await db.pool.connect();
    const second = await db.pool.connect();
    try {
      await first.query('BEGIN');
      await second.query('BEGIN');
      expect(await recordNew(first, 'dev-3', [id])).toEqual(new Set([id]));
      const waiting = recordNew(second, 'dev-3', [id], new Date());
      expect(await settled(waiting)).toBe(false);
      await first.query('COMMIT');
      expect(await waiting).toEqual(new Set());
      await second.query('COMMIT');
    } finally {
      first.release();
      second.release();
    }
  });

  it('gives the id to the waiting request when the first one rolls back (its publish failed)', async () => {
    const id = randomUUID();
    const first = await db.pool.connect();
    const second = await db.pool.connect();
    try {
      await first.query('BEGIN');
      await second.query('BEGIN');
      await recordNew(first, 'dev-4', [id], new Date());
      const waiting = recordNew(second, 'dev-4', [id], new Date());
      await first.query('ROLLBACK');
      expect(await waiting).toEqual(new Set([id]));
      await second.query('COMMIT');
    } finally {
      first.release();
      second.release();
    }
  });

  it('does not deadlock when two requests share ids in opposite orders', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const results = await Promise.all([
      inTransaction((tx) => recordNew(tx, 'dev-5', ids, new Date())),
      inTransaction((tx) => recordNew(tx, 'dev-5', [...ids].reverse(), new Date())),
    ]);
    expect(results[0]!.size + results[1]!.size).toBe(50);
  });

  it('prunes ids accepted before the retention cutoff and keeps the newer ones', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await inTransaction((tx) => recordNew(tx, 'dev-6', [old], new Date('2025-01-01T00:00:00Z')));
    await inTransaction((tx) => recordNew(tx, 'dev-6', [recent], new Date('2025-01-09T00:00:00Z')));
    const deleted = await store.prune(db.pool, new Date('2025-01-08T00:00:00Z'), 1);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query<{ event_id: string }>(
      `SELECT event_id FROM ${SCHEMA}.accepted_events WHERE device_id = 'dev-6'`,
    );
    expect(rows.map((r) => r.event_id)).toEqual([recent]);
  });
});
