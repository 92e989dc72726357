import { createTokenVerifier, mintToken } from '@restock/auth';
import { describe, expect, it } from 'vitest';
import { rememberingVerifier } from './authentication.js';

const SECRET = 'remembering-verifier-secret-32-bytes!!';
const T0 = new Date('2025-06-15T12:00:00.000Z');

describe('rememberingVerifier', () => {
  const clock = { now: T0 };
  const real = createTokenVerifier({
    issuer: 'i',
    audience: 'a',
    hmacSecret: SECRET,
    clockToleranceSec: 0,
    now: () => clock.now,
  });
  const verifier = rememberingVerifier(real, { clock: () => clock.now, maxAgeMs: 60_000 });
  const token = (ttlSec: number, secret = SECRET) =>
    mintToken({ hmacSecret: secret, issuer: 'i', audience: 'a', subject: 'alice', ttlSec, now: () => T0 });

  it('accepts a token it verified before, and no longer once it has expired', async () => {
    clock.now = T0;
    const short = await token(30);
    expect((await verifier.verify(short)).subject).toBe('alice');
    clock.now = new Date(T0.getTime() + 20_000);
    expect((await verifier.verify(short)).subject).toBe('alice');
    clock.now = new Date(T0.getTime() + 31_000);
    await expect(verifier.verify(short)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('never remembers a refusal', async () => {
    clock.now = T0;
    const forged = await token(600, 'another-secret-that-is-32-bytes-long!!');
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });
});
