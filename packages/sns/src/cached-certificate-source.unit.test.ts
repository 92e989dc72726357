import { describe, expect, it } from 'vitest';
import { cachedCertificateSource } from './cached-certificate-source.js';
import type { CertificateSource } from './certificate-source.js';

/** A source that counts calls per URL and answers with a promise the test settles. */
function controlledSource() {
  const pending: Array<{ url: string; resolve: (pem: string) => void; reject: (error: Error) => void }> = [];
  const source: CertificateSource = {
    get: (url) =>
      new Promise<string>((resolve, reject) => {
        pending.push({ url: url.href, resolve, reject });
      }),
  };
  return { source, pending };
}

const a = new URL('https://sns.us-east-1.amazonaws.com/a.pem');
const b = new URL('https://sns.us-east-1.amazonaws.com/b.pem');
const c = new URL('https://sns.us-east-1.amazonaws.com/c.pem');

describe('cachedCertificateSource', () => {
  it('shares one in-flight download between concurrent callers', async () => {
    const { source, pending } = controlledSource();
    const cached = cachedCertificateSource(source, { clock: () => new Date(0) });
    const first = cached.get(a);
    const second = cached.get(a);
    expect(pending).toHaveLength(1);
    pending[0]?.resolve('PEM-A');
    expect(await first).toBe('PEM-A');
    expect(await second).toBe('PEM-A');
  });

  it('reuses a certificate until its time to live is over, then fetches again', async () => {
    const { source, pending } = controlledSource();
    let now = 0;
    const cached = cachedCertificateSource(source, { clock: () => new Date(now), ttlMs: 1_000 });
    const first = cached.get(a);
    pending[0]?.resolve('PEM-A');
    await first;
    now = 999;
    expect(await cached.get(a)).toBe('PEM-A');
    expect(pending).toHaveLength(1);
    now = 1_000;
    const refreshed = cached.get(a);
    expect(pending).toHaveLength(2);
    pending[1]?.resolve('PEM-A2');
    expect(await refreshed).toBe('PEM-A2');
  });

  it('does not cache a failure', async () => {
    const { source, pending } = controlledSource();
    const cached = cachedCertificateSource(source, { clock: () => new Date(0) });
    const failing = cached.get(a);
    pending[0]?.reject(new Error('503'));
    await expect(failing).rejects.toThrow('503');
    const retry = cached.get(a);
    expect(pending).toHaveLength(2);
    pending[1]?.resolve('PEM-A');
    expect(await retry).toBe('PEM-A');
  });

  it('keeps at most maxEntries certificates, dropping the least recently used', async () => {
    const { source, pending } = controlledSource();
    const cached = cachedCertificateSource(source, { clock: () => new Date(0), maxEntries: 2 });
    const fetchAndSettle = async (url: URL) => {
      const before = pending.length;
      const promise = cached.get(url);
      if (pending.length > before) pending[pending.length - 1]?.resolve(url.href);
      return await promise;
    };
    await fetchAndSettle(a);
    await fetchAndSettle(b);
    await fetchAndSettle(a); // a is now the most recently used
    await fetchAndSettle(c); // evicts b
    expect(pending.map((p) => p.url)).toEqual([a.href, b.href, c.href]);
    await fetchAndSettle(a);
    expect(pending).toHaveLength(3);
    await fetchAndSettle(b);
    expect(pending.map((p) => p.url)).toEqual([a.href, b.href, c.href, b.href]);
  });
});
