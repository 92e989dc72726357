import { describe, expect, it } from 'vitest';
import { BASE_BACKOFF_MS, backoffMs, MAX_BACKOFF_MS, retryAfterMs } from './retry-delay.js';

describe('the wait before a resend', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');

  it("takes Retry-After's seconds or date, capped, and ignores what it cannot read", () => {
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('86400', now)).toBe(5 * 60_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('backs off exponentially with full jitter up to a ceiling', () => {
    expect(backoffMs(1, () => 0.999)).toBeLessThanOrEqual(BASE_BACKOFF_MS);
    expect(backoffMs(3, () => 1)).toBe(4 * BASE_BACKOFF_MS);
    expect(backoffMs(30, () => 1)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(30, () => 0)).toBe(0);
  });
});
