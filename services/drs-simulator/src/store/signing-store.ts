import type { Db } from './db.js';

/** A key pair and certificate the simulator signs SNS messages with. */
export interface StoredSigningIdentity {
  certName: string;
  privateKeyPem: string;
  certificatePem: string;
  notAfter: Date;
}

const COLUMNS = `cert_name AS "certName", private_key_pem AS "privateKeyPem", certificate_pem AS "certificatePem",
  not_after AS "notAfter"`;

/** The newest identity; call inside a transaction that took `lockSigningIdentities` to create one safely. */
export async function latestSigningIdentity(db: Db): Promise<StoredSigningIdentity | undefined> {
  const { rows } = await db.query<StoredSigningIdentity>(
    `SELECT ${COLUMNS} FROM drs_simulator.signing_identities ORDER BY created_at DESC, cert_name LIMIT 1`,
  );
  return rows[0];
}

/** Two processes starting on one database must not both create an identity. */
export async function lockSigningIdentities(db: Db): Promise<void> {
  await db.query(`LOCK TABLE drs_simulator.signing_identities IN SHARE ROW EXCLUSIVE MODE`);
}

export async function insertSigningIdentity(db: Db, identity: StoredSigningIdentity, createdAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.signing_identities (cert_name, private_key_pem, certificate_pem, not_after, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [identity.certName, identity.privateKeyPem, identity.certificatePem, identity.notAfter, createdAt],
  );
}

/** Any certificate ever used, by name: messages signed before a renewal still verify. */
export async function certificateByName(db: Db, certName: string): Promise<string | undefined> {
  const { rows } = await db.query<{ certificatePem: string }>(
    `SELECT certificate_pem AS "certificatePem" FROM drs_simulator.signing_identities WHERE cert_name = $1`,
    [certName],
  );
  return rows[0]?.certificatePem;
}
