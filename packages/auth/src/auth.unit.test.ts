import { describe, expect, it } from 'vitest';
import {
  createTokenVerifier,
  credentialMatches,
  hashCredential,
  mintToken,
  newClaimCode,
  newDeviceCredential,
} from './index.js';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const verifier = createTokenVerifier({ hmacSecret: secret, issuer: 'restock-test', audience: 'restock' });

describe('bearer tokens', () => {
  it('accepts a token it issued and reads subject and scopes', async () => {
    const token = await mintToken({
      hmacSecret: secret,
      issuer: 'restock-test',
      audience: 'restock',
      subject: 'cust-1',
      scopes: ['a', 'b'],
    });
    await expect(verifier.verify(token)).resolves.toEqual({ subject: 'cust-1', scopes: ['a', 'b'] });
  });

  it('refuses an expired token, a forged one, and one for another audience', async () => {
    const expired = await mintToken({
      hmacSecret: secret,
      issuer: 'restock-test',
      audience: 'restock',
      subject: 'c',
      ttlSec: 60,
      now: () => new Date(Date.now() - 3_600_000),
    });
    await expect(verifier.verify(expired)).rejects.toThrow(/expired/);
    const forged = await mintToken({
      hmacSecret: `${secret}-other`,
      issuer: 'restock-test',
      audience: 'restock',
      subject: 'c',
    });
    await expect(verifier.verify(forged)).rejects.toThrow(/signature/);
    const other = await mintToken({ hmacSecret: secret, issuer: 'restock-test', audience: 'elsewhere', subject: 'c' });
    await expect(verifier.verify(other)).rejects.toMatchObject({ code: 'AUTH_INVALID', status: 401 });
    await expect(verifier.verify('not.a.jwt')).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('refuses a secret too short to be safe', () => {
    expect(() => createTokenVerifier({ hmacSecret: 'short', issuer: 'i', audience: 'a' })).toThrow(/32 bytes/);
  });
});

describe('device credentials', () => {
  it('matches only the credential whose hash is stored', () => {
    const credential = newDeviceCredential();
    const hash = hashCredential(credential);
    expect(credential).toMatch(/^rsd_[A-Za-z0-9_-]{43}$/);
    expect(credentialMatches(credential, hash)).toBe(true);
    expect(credentialMatches(newDeviceCredential(), hash)).toBe(false);
    expect(credentialMatches(credential, null)).toBe(false);
  });

  it('makes claim codes without look-alike characters', () => {
    for (let i = 0; i < 100; i++)
      expect(newClaimCode()).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });
});
