import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'rsd_';

/**
 * A new device credential: 32 random bytes, base64url, with a recognisable prefix so a leaked one can
 * be found by secret scanners. It is shown once; only its hash is stored.
 */
export function newDeviceCredential(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a credential. The credential has 256 bits of entropy, so a fast hash is enough. */
export function hashCredential(credential: string): string {
  return createHash('sha256').update(credential, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented credential with a stored hash. */
export function credentialMatches(presented: string, storedHash: string | null): boolean {
  if (storedHash === null || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const a = Buffer.from(hashCredential(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A short claim code printed on the device or its box: 12 characters without look-alikes. */
export function newClaimCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  let code = '';
  for (const b of bytes) code += alphabet[b % alphabet.length];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}
