import { fileURLToPath } from 'node:url';
import { migrate } from '@restock/postgres';
import { SCHEMA } from './db.js';

/** The simulator's migrations (`NNNN_name.sql`), also found there by infra/local's bootstrap. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies the simulator's pending migrations in its schema; returns the names applied. */
export function migrateSimulator(databaseUrl: string, log?: (message: string) => void): Promise<string[]> {
  return migrate({ databaseUrl, schema: SCHEMA, dir: MIGRATIONS_DIR, ...(log !== undefined ? { log } : {}) });
}
