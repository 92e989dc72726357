import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher } from './token-cipher.js';

describe('the token cipher', () => {
  const cipher = createTokenCipher(randomBytes(32));

  it('round-trips a token without it appearing in the stored bytes, with a fresh nonce each time', () => {
    const token = `Atza|${'x'.repeat(400)}`;
    const a = cipher.encrypt(token, 'dev-1:access');
    const b = cipher.encrypt(token, 'dev-1:access');
    expect(a.toString('latin1')).not.toContain('Atza|');
    expect(a.equals(b)).toBe(false);
    expect(cipher.decrypt(a, 'dev-1:access')).toBe(token);
  });

  it('refuses a ciphertext moved to another device or field, or altered', () => {
    const sealed = cipher.encrypt('Atzr|refresh', 'dev-1:refresh');
    expect(() => cipher.decrypt(sealed, 'dev-2:refresh')).toThrow();
    expect(() => cipher.decrypt(sealed, 'dev-1:access')).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(altered, 'dev-1:refresh')).toThrow();
  });

  it('accepts only a 256-bit key', () => {
    expect(() => createTokenCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
