import { randomBytes } from 'node:crypto';
import { describeError } from '@restock/errors';
import type { BusLog } from '@restock/kafka';
import { deleteByPrefix, type Redis } from '@restock/redis';
import type { StaleKeys } from './stale-keys.js';

/** What a cache lookup came to, for metrics. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'error';

/**
 * Views read from PostgreSQL, cached in Redis per scope (`device:<id>`, `customer:<id>`) and dropped
 * when a change of the scope commits. Redis holds only what can be lost: when it fails, the view is
 * read from PostgreSQL, so answers get slower, never wrong, never failed.
 */
export interface ViewCache {
  /** The view, from the cache or from `load` (whose result is then cached). */
  read<T>(scope: string, view: string, load: () => Promise<T>): Promise<T>;
  /** Drops every cached view of the scopes. Never throws. */
  invalidate(scopes: readonly string[]): Promise<void>;
  /**
   * Drops every cached view (a replica starting cannot know what changed while nobody listened). Until
   * it succeeded (retried every second), this replica reads past the cache.
   */
  flush(): Promise<void>;
  stop(): void;
}

const KEY_PREFIX = 'cache:';

/*
 * A scope is one hash: `gen` (a random token), and per view `v:<view>` (the JSON) and `g:<view>` (the
 * gen it was read under). A reader takes the gen, reads PostgreSQL, and stores its result only if the
 * gen is still the same; an invalidation deletes the hash, so a reader that read PostgreSQL before a
 * change committed can never store what it read after the invalidation (its gen is gone, and tokens
 * are never reused). Both steps are one Lua script each: one round trip, atomic.
 */
const READ = `
local v = redis.call('HMGET', KEYS[1], 'gen', 'g:' .. ARGV[1], 'v:' .. ARGV[1])
if v[1] then
  if v[1] == v[2] then return {v[1], v[3]} end
  return {v[1], false}
end
redis.call('HSET', KEYS[1], 'gen', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {ARGV[2], false}`;

const WRITE = `
if redis.call('HGET', KEYS[1], 'gen') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'g:' .. ARGV[2], ARGV[1], 'v:' .. ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0`;

export interface ViewCacheOptions {
  redis: Redis;
  staleKeys: StaleKeys;
  log: BusLog;
  /** ms a scope lives without being invalidated: the bound on staleness if an invalidation were lost. */
  ttlMs: number;
  onLookup?: (view: string, outcome: CacheOutcome) => void;
}

export function createViewCache(options: ViewCacheOptions): ViewCache {
  const { redis, staleKeys, log } = options;
  const keyOf = (scope: string) => `${KEY_PREFIX}${scope}`;
  const ttl = String(options.ttlMs);
  let lastComplaint = 0;
  let trusted = true;
  let flushRetry: NodeJS.Timeout | undefined;

  async function flushOnce(): Promise<void> {
    try {
      await deleteByPrefix(redis, KEY_PREFIX);
      trusted = true;
    } catch (error) {
      complain(error);
      flushRetry = setTimeout(() => void flushOnce(), 1_000); // ms
      flushRetry.unref();
    }
  }

  function complain(error: unknown): void {
    // One line per outage minute is enough to see it; every request would flood the log.
    if (Date.now() - lastComplaint < 60_000) return;
    lastComplaint = Date.now();
    log.warn({ reason: describeError(error) }, 'Redis cache unavailable; reading from PostgreSQL');
  }

  return {
    async read<T>(scope: string, view: string, load: () => Promise<T>): Promise<T> {
      const key = keyOf(scope);
      if (!trusted || staleKeys.isStale(key)) {
        options.onLookup?.(view, 'bypass');
        return load();
      }
      let gen: string;
      try {
        const [current, cached] = (await redis.eval(READ, 1, key, view, randomBytes(9).toString('base64'), ttl)) as [
          string,
          string | null,
        ];
        if (cached !== null) {
          options.onLookup?.(view, 'hit');
          return JSON.parse(cached) as T;
        }
        gen = current;
      } catch (error) {
        complain(error);
        options.onLookup?.(view, 'error');
        return load();
      }
      options.onLookup?.(view, 'miss');
      const value = await load();
      try {
        await redis.eval(WRITE, 1, key, gen, view, JSON.stringify(value), ttl);
      } catch (error) {
        complain(error);
      }
      return value;
    },
    async invalidate(scopes) {
      await staleKeys.drop(scopes.map(keyOf));
    },
    async flush() {
      trusted = false;
      clearTimeout(flushRetry);
      await flushOnce();
    },
    stop() {
      clearTimeout(flushRetry);
    },
  };
}

export const deviceScope = (deviceId: string) => `device:${deviceId}`;
export const customerScope = (customerId: string) => `customer:${customerId}`;
