import { createHash, randomUUID } from 'node:crypto';

/** A random (v4) event id. */
export function newEventId(): string {
  return randomUUID();
}

const RESTOCK_NAMESPACE = 'b9c2a7e4-3f1d-4c8a-9e5b-7d6f0a1c2e3b';

/**
 * A name-based (v5) UUID: the same parts always give the same id, so a repeated decision is the same
 * command and a re-published event the same event (ARCHITECTURE principle 5).
 */
export function deterministicId(...parts: (string | number)[]): string {
  const ns = Buffer.from(RESTOCK_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1')
    .update(ns)
    .update(parts.map((p) => String(p).replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join('|'))
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
