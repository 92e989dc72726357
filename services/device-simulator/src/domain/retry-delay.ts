/**
 * How long a device waits before sending a refused batch again (with the same event ids): what the
 * server asked for in `Retry-After` when it said so, else an exponential backoff with full jitter, so
 * a fleet of devices that all saw the same outage does not come back in one wave.
 */

/** Longest wait between two attempts, ms. */
export const MAX_BACKOFF_MS = 30_000;
/** First wait of the backoff, ms. */
export const BASE_BACKOFF_MS = 500;

/**
 * The wait a `Retry-After` header asks for (RFC 9110: delay-seconds or an HTTP date), ms; null when
 * absent or unreadable. Capped, so a wrong header cannot park a device for a day.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number, capMs = 5 * 60_000): number | null {
  if (header === null || header === undefined) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(capMs, Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(capMs, Math.max(0, at - nowMs));
}

/** Full-jitter exponential backoff for attempt 1, 2, 3...: uniform in [0, min(max, base x 2^(attempt-1))]. */
export function backoffMs(attempt: number, draw: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(draw() * ceiling);
}
