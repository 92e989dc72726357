import { fileURLToPath } from 'node:url';

export * from './admin.js';
export * from './client.js';
export * from './consumer.js';
export * from './errors.js';
export * from './log.js';
export * from './outbox.js';
export * from './producer.js';

/** The bus's own migrations (consumer_offsets, outbox), applied in each owning service's schema. */
export const busMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
