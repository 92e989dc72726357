import { RestockError } from '@restock/errors';
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** What runs inside a transaction: a client whose queries all belong to it. */
export type Tx = pg.PoolClient;

export const PgErrorCode = {
  PG_UNAVAILABLE: 'PG_UNAVAILABLE',
  PG_MIGRATION_FAILED: 'PG_MIGRATION_FAILED',
} as const;

// NUMERIC and BIGINT come back as strings by default; Restock's quantities fit a double and its
// offsets a safe integer, so parse them once here instead of at every call site.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

export interface PoolOptions {
  connectionString: string;
  /** Connections at most. */
  max?: number;
  applicationName?: string;
  /** Called when an idle client fails (server restarted); the pool replaces it. */
  onError?: (error: Error) => void;
}

/** A pool whose idle-client errors are reported instead of crashing the process. */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}

/**
 * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (and rethrows).
 * A failure to reach the server surfaces as a retriable PG_UNAVAILABLE.
 */
export async function withTransaction<T>(pool: Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (cause) {
    throw new RestockError(PgErrorCode.PG_UNAVAILABLE, 'cannot connect to PostgreSQL', { cause, retriable: true });
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone; do not return it to the pool
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Readiness: the server answers a query. */
export async function pingPostgres(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
