import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { createRedis, deleteByPrefix, type Redis } from './index.js';

export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A client on the real Redis with a random key prefix, whose keys are deleted when the file's tests end. */
export function createTestRedis(): { redis: Redis; prefix: string } {
  const prefix = `test:${randomBytes(5).toString('hex')}:`;
  const redis = createRedis({ url: testRedisUrl(), keyPrefix: prefix });
  clients.push(redis);
  return { redis, prefix };
}

const clients: Redis[] = [];

// Registered at import (the test file's top level): an afterAll from inside beforeAll is ignored.
afterAll(async () => {
  for (const redis of clients.splice(0)) {
    await deleteByPrefix(redis, '').catch(() => 0);
    redis.disconnect();
  }
});
