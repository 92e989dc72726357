import { fileURLToPath } from 'node:url';

/** The query service's own migrations (the bus tables come from @restock/kafka). */
export const queryMigrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
