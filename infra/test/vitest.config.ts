import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One vitest run for the whole workspace. Test files share the real Kafka, PostgreSQL and Redis, each
// isolating itself (own database, topics, key prefix); files run in separate forks, two at a time on
// these 2-core machines.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['packages/**/*.test.ts', 'services/**/*.test.ts', 'infra/**/*.test.ts', 'test-e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
