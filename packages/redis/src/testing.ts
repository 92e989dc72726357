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
  afterAll(async () => {
    await deleteByPrefix(redis, '').catch(() => 0);
    redis.disconnect();
  });
  return { redis, prefix };
}
