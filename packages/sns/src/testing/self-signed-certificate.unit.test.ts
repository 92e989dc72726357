import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSelfSignedCertificate,
  createTestSigningIdentity,
  FIXTURE_KEY_PAIR,
  TEST_SIGNING_CERT_URL,
} from './index.js';

describe('createSelfSignedCertificate', () => {
  it('makes a certificate Node parses, with the given dates, name and the key of the private key', () => {
    const pem = createSelfSignedCertificate({
      privateKey: FIXTURE_KEY_PAIR.privateKeyPem,
      commonName: 'sns.restock.test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      serialNumber: Uint8Array.from([0x80, 0x01]),
    });
    const certificate = new X509Certificate(pem);
    expect(certificate.subject).toBe('CN=sns.restock.test');
    expect(certificate.issuer).toBe('CN=sns.restock.test');
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(certificate.serialNumber).toBe('8001');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const committed = new X509Certificate(FIXTURE_KEY_PAIR.certificatePem);
    expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      committed.publicKey.export({ type: 'spki', format: 'pem' }),
    );
  });

  it('writes dates from 2050 on as GeneralizedTime, which Node still reads', () => {
    const pem = createSelfSignedCertificate({
      privateKey: FIXTURE_KEY_PAIR.privateKeyPem,
      notBefore: new Date('2049-12-31T23:59:59Z'),
      notAfter: new Date('2050-01-01T00:00:01Z'),
    });
    const certificate = new X509Certificate(pem);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2050-01-01T00:00:01.000Z');
  });
});

describe('createTestSigningIdentity', () => {
  it('makes a fresh key pair whose certificate is valid around now', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const identity = createTestSigningIdentity({ now, validForDays: 30 });
    const certificate = new X509Certificate(identity.certificatePem);
    expect(new Date(certificate.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(certificate.validTo).toISOString()).toBe('2026-12-22T00:00:00.000Z');
    expect(certificate.checkPrivateKey(createPrivateKey(identity.privateKeyPem))).toBe(true);
    expect(identity.signingCertUrl).toBe(TEST_SIGNING_CERT_URL);
  });
});
