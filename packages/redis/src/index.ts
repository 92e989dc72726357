import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  /** Every key this client writes starts with it (`restock:ingest:`), so services and tests never collide. */
  keyPrefix?: string;
  /** Called on connection errors; Redis holds only what can be lost, so callers degrade instead of failing. */
  onError?: (error: Error) => void;
}

/**
 * A Redis client that fails fast while Redis is down (no offline queue, one retry per command), so a
 * caller can fall back at once instead of hanging: nothing lives only in Redis.
 */
export function createRedis(options: RedisOptions): Redis {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000), // ms between reconnects
  });
  client.on('error', (error) => options.onError?.(error));
  return client;
}

/** Readiness: the server answers PING. */
export async function pingRedis(client: Redis): Promise<void> {
  await client.ping();
}

/** Deletes every key under a prefix (SCAN, never KEYS). Used by rebuilds and test teardown. */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  // SCAN's MATCH sees raw keys, so the client's own keyPrefix must be prepended by hand.
  const raw = `${client.options.keyPrefix ?? ''}${prefix}`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${raw}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) {
      // DEL re-applies keyPrefix, so strip it from the raw keys first.
      const own = client.options.keyPrefix ?? '';
      deleted += await client.del(...keys.map((k) => k.slice(own.length)));
    }
  } while (cursor !== '0');
  return deleted;
}
