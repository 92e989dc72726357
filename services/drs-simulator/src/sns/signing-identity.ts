import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { type Pool, withTransaction } from '@restock/postgres';
import { createTestSigningIdentity } from '@restock/sns/testing';
import { newCertificateName } from '../identifiers.js';
import {
  insertSigningIdentity,
  latestSigningIdentity,
  lockSigningIdentities,
  type StoredSigningIdentity,
} from '../store/signing-store.js';

/** The key the simulator signs SNS messages with, and the name its certificate is served under. */
export interface SigningIdentity {
  /** `SimpleNotificationService-<hex>`; the certificate is at `<PUBLIC_BASE_URL>/sns/<certName>.pem`. */
  certName: string;
  privateKey: KeyObject;
  certificatePem: string;
  notAfter: Date;
}

const VALID_FOR_DAYS = 365; // days, like a real SNS signing certificate
const RENEW_BEFORE_MS = 30 * 86_400_000; // ms
// A simulator's certificate never claims to be AWS's (sns.amazonaws.com).
const COMMON_NAME = 'drs-simulator.restock.test';

/**
 * The simulator's own signing identity, made on first run and kept in PostgreSQL so that certificates
 * already fetched by a bridge stay valid across restarts. A new key pair and self-signed certificate
 * are made when none exists or the newest expires within 30 days of the real `now` (the committed test
 * key pair of `@restock/sns` expired in 2025, so it cannot be used).
 */
export async function loadSigningIdentity(pool: Pool, now: Date): Promise<SigningIdentity> {
  const stored = await withTransaction(pool, async (tx) => {
    await lockSigningIdentities(tx);
    const latest = await latestSigningIdentity(tx);
    if (latest !== undefined && latest.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS) return latest;
    const created = createTestSigningIdentity({ now, validForDays: VALID_FOR_DAYS, commonName: COMMON_NAME });
    const identity: StoredSigningIdentity = {
      certName: newCertificateName(),
      privateKeyPem: created.privateKeyPem,
      certificatePem: created.certificatePem,
      notAfter: new Date(new X509Certificate(created.certificatePem).validTo),
    };
    await insertSigningIdentity(tx, identity, now);
    return identity;
  });
  return {
    certName: stored.certName,
    privateKey: createPrivateKey(stored.privateKeyPem),
    certificatePem: stored.certificatePem,
    notAfter: stored.notAfter,
  };
}
