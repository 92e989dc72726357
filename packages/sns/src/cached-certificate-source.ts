import type { CertificateSource } from './certificate-source.js';

/** Options of `cachedCertificateSource`. */
export interface CachedCertificateSourceOptions {
  /** How long a fetched certificate is reused. ms; default 3_600_000 (1 h). */
  ttlMs?: number;
  /** The time source; entries expire against it. */
  clock: () => Date;
  /** Most certificates kept; the least recently used is dropped first. Default 100. */
  maxEntries?: number;
}

const DEFAULT_TTL_MS = 3_600_000; // ms
const DEFAULT_MAX_ENTRIES = 100;

interface Entry {
  promise: Promise<string>;
  expiresAt: number; // ms since epoch
}

/**
 * Caches another source by URL (`href`). The promise itself is cached, so concurrent messages signed with
 * the same new certificate cause one download, not one each. A failure is not cached: the entry is
 * dropped when its promise rejects, and the next message tries again.
 */
export function cachedCertificateSource(
  inner: CertificateSource,
  options: CachedCertificateSourceOptions,
): CertificateSource {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const { clock } = options;
  // A Map iterates in insertion order; re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry>();

  return {
    get(url: URL): Promise<string> {
      const key = url.href;
      const now = clock().getTime();
      const cached = entries.get(key);
      if (cached !== undefined && cached.expiresAt > now) {
        entries.delete(key);
        entries.set(key, cached);
        return cached.promise;
      }
      entries.delete(key);
      const entry: Entry = { promise: inner.get(url), expiresAt: now + ttlMs };
      entries.set(key, entry);
      entry.promise.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      return entry.promise;
    },
  };
}
