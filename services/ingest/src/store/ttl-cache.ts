/**
 * A small time-bounded cache of promises for the hot path's lookups. Concurrent misses for one key
 * share one query, a failed lookup is forgotten at once (so an outage is not cached), and the oldest
 * entries go first once `maxEntries` is reached.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  clear(): void;
}

export function createTtlCache<T>(options: {
  /** How long a loaded value is served, in ms; 0 disables caching. */
  ttlMs: number;
  maxEntries: number;
  /** Monotonic ms. */
  now?: () => number;
}): TtlCache<T> {
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      const at = now();
      if (hit !== undefined && hit.expiresAt > at) return hit.value;
      if (hit !== undefined) entries.delete(key);
      const value = load();
      if (options.ttlMs <= 0) return value;
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const entry = { value, expiresAt: at + options.ttlMs };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}
