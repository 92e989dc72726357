import { fileURLToPath } from 'node:url';
import { type MigrateOptions, migrate } from '@restock/postgres';

/** The bus's own migrations (consumer_offsets, outbox), applied in each owning service's schema. */
export const busMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Brings a service's schema up to date: the bus tables first (their own ledger), then the service's
 * migrations. Every service runs this at start-up, and the local bootstrap runs it for all of them.
 */
export async function migrateServiceSchema(options: MigrateOptions): Promise<string[]> {
  const bus = await migrate({ ...options, dir: busMigrationsDir, ledger: 'pgmigrations_bus' });
  return [...bus, ...(await migrate(options))];
}
