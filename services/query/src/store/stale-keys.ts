import { describeError } from '@restock/errors';
import type { BusLog } from '@restock/kafka';
import type { Redis } from '@restock/redis';

/**
 * Keys that must go and could not: a cache entry or replay log made stale by a change while Redis
 * did not answer. They are deleted as soon as Redis answers again (retried every `retryMs`, and at
 * once when the client reconnects); until then this replica treats them as absent, so a Redis outage
 * can make answers slower but never serve what the change made wrong.
 */
export interface StaleKeys {
  /** Deletes the keys now; what fails is remembered and retried. Never throws. */
  drop(keys: readonly string[]): Promise<void>;
  /** True while a key's deletion is pending: do not trust what Redis holds under it. */
  isStale(key: string): boolean;
  /** Whether any deletion is pending. */
  pending(): number;
  stop(): void;
}

export function createStaleKeys(options: { redis: Redis; log: BusLog; retryMs?: number }): StaleKeys {
  const { redis, log } = options;
  const stale = new Set<string>();
  let retrying: Promise<void> | undefined;
  let lastComplaint = 0;

  async function deleteAll(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.del(key);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async function retry(): Promise<void> {
    if (stale.size === 0 || retrying) return retrying;
    const keys = [...stale];
    retrying = deleteAll(keys)
      .then(() => {
        for (const key of keys) stale.delete(key);
        log.info({ keys: keys.length }, 'stale Redis keys deleted after Redis came back');
      })
      .catch(() => {
        // Still down: the timer tries again.
      })
      .finally(() => {
        retrying = undefined;
      });
    return retrying;
  }

  const timer = setInterval(() => void retry(), options.retryMs ?? 1_000); // ms
  timer.unref();
  const onReady = () => void retry();
  redis.on('ready', onReady);

  return {
    async drop(keys) {
      if (keys.length === 0) return;
      try {
        await deleteAll(keys);
        for (const key of keys) stale.delete(key);
      } catch (error) {
        for (const key of keys) stale.add(key);
        // One line per outage minute is enough to see it; every change would flood the log.
        if (Date.now() - lastComplaint >= 60_000) {
          lastComplaint = Date.now();
          log.warn(
            { pending: stale.size, reason: describeError(error) },
            'Redis did not answer; stale keys kept aside',
          );
        }
      }
    },
    isStale: (key) => stale.has(key),
    pending: () => stale.size,
    stop() {
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}
