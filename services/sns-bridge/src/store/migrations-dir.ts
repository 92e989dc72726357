import { fileURLToPath } from 'node:url';

/** The bridge's own migrations (catalog copy, SNS records); the bus tables come from `@restock/kafka`. */
export const bridgeMigrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
