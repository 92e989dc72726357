import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  nullValue,
  objectIdentifier,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der-writer.js';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const DAY_MS = 86_400_000; // ms

/** The default `SigningCertURL` of test identities; its host is `TEST_SNS_HOST`. */
export const TEST_SIGNING_CERT_URL = 'https://sns.restock.test/SimpleNotificationService-restock-test.pem';

/** The host of `TEST_SIGNING_CERT_URL`: pass `[TEST_SNS_HOST]` as the verifier's `certificateHost`. */
export const TEST_SNS_HOST = 'sns.restock.test';

/** What to put in a test certificate. */
export interface SelfSignedCertificateOptions {
  /** RSA private key (PEM or KeyObject) whose public half the certificate carries. */
  privateKey: string | KeyObject;
  /** Subject and issuer CN. Default `sns.restock.test`: a test signer never claims to be AWS. */
  commonName?: string;
  notBefore: Date;
  notAfter: Date;
  /** Big-endian serial bytes; random when omitted. */
  serialNumber?: Uint8Array;
}

/**
 * Creates a self-signed X.509 v1 certificate (SHA256withRSA, no extensions) as PEM. Enough for
 * `X509Certificate` and the SNS verifier, which check form, key and dates, not a chain.
 */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): string {
  const privateKey = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  const publicKeyInfo = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const name = sequence(set(sequence(objectIdentifier(COMMON_NAME), utf8String(options.commonName ?? TEST_SNS_HOST))));
  const algorithm = sequence(objectIdentifier(SHA256_WITH_RSA), nullValue());
  const serial = options.serialNumber ?? randomBytes(16);
  const toBeSigned = sequence(
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    publicKeyInfo,
  );
  const signature = sign('sha256', toBeSigned, privateKey);
  const der = sequence(toBeSigned, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A key pair and its certificate, ready for `signSnsMessage` and a certificate source. */
export interface TestSigningIdentity {
  privateKeyPem: string;
  certificatePem: string;
  /** The `SigningCertURL` to sign with; serve `certificatePem` at it. */
  signingCertUrl: string;
}

/** Options of `createTestSigningIdentity`. */
export interface TestSigningIdentityOptions {
  /** The moment the certificate is made; it is valid from a day before to `validForDays` after. */
  now: Date;
  /** days; default 365. */
  validForDays?: number;
  /** Default `https://sns.restock.test/SimpleNotificationService-restock-test.pem` (pass its host to the verifier). */
  signingCertUrl?: string;
  commonName?: string;
}

/**
 * Generates a fresh RSA-2048 key pair and a self-signed certificate valid around `now`. The committed
 * test key pair's certificate expired on 2025-05-15, so the DRS simulator and time-independent tests
 * need a certificate made at start-up instead.
 */
export function createTestSigningIdentity(options: TestSigningIdentityOptions): TestSigningIdentity {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const validForDays = options.validForDays ?? 365;
  const certificatePem = createSelfSignedCertificate({
    privateKey,
    ...(options.commonName !== undefined ? { commonName: options.commonName } : {}),
    notBefore: new Date(options.now.getTime() - DAY_MS),
    notAfter: new Date(options.now.getTime() + validForDays * DAY_MS),
  });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem,
    signingCertUrl: options.signingCertUrl ?? TEST_SIGNING_CERT_URL,
  };
}
