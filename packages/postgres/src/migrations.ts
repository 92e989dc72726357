import { RestockError } from '@restock/errors';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { PgErrorCode } from './pool.js';

export interface MigrateOptions {
  databaseUrl: string;
  /** The owning service's schema; its tables and its migration ledger live there. */
  schema: string;
  /** Folder of versioned `NNNN_name.sql` files with `-- Up Migration` / `-- Down Migration` parts. */
  dir: string;
  /** The ledger table; a schema can hold several independent migration sets (the bus's and the service's). */
  ledger?: string;
  log?: (message: string) => void;
}

/**
 * Applies a service's pending migrations, idempotently and under an advisory lock per schema, so
 * several replicas starting together apply each file once. One mechanism for every service: each owns
 * a schema and keeps its ledger in `<schema>.pgmigrations`.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  try {
    await client.connect();
    // node-pg-migrate's own lock is one id for the whole database, taken with a try-lock: services
    // starting together would fail with "Another migration is already running". A lock per schema,
    // waited for, serialises only the replicas of one service, and they then find nothing to do.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`migrations:${options.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    const applied = await runner({
      dbClient: client,
      dir: options.dir,
      schema: options.schema,
      migrationsSchema: options.schema,
      migrationsTable: options.ledger ?? 'pgmigrations',
      direction: 'up',
      count: Number.POSITIVE_INFINITY,
      checkOrder: true,
      singleTransaction: true,
      noLock: true,
      log: options.log ?? (() => {}),
      logger: {
        debug: () => {},
        info: (m: string) => options.log?.(m),
        warn: (m: string) => options.log?.(m),
        error: (m: string) => options.log?.(m),
      },
    });
    return applied.map((m) => m.name);
  } catch (cause) {
    throw new RestockError(
      PgErrorCode.PG_MIGRATION_FAILED,
      `migrations of schema ${options.schema} failed: ${(cause as Error).message}`,
      { cause, retriable: false },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Quotes an SQL identifier (schema or table name built from configuration). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}
