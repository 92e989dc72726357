import { fileURLToPath } from 'node:url';

/** The catalogue's own migrations, applied after the bus tables in the service's schema. */
export const catalogMigrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
