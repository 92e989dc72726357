import type { Db } from './db.js';

/** A stored LWA authorization code (by hash). */
export interface StoredAuthCode {
  registrationId: string;
  redirectUri: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** A stored LWA token (by hash). */
export interface StoredToken {
  registrationId: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export async function insertAuthCode(
  db: Db,
  code: { codeHash: string; registrationId: string; redirectUri: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.auth_codes (code_hash, registration_id, redirect_uri, expires_at) VALUES ($1, $2, $3, $4)`,
    [code.codeHash, code.registrationId, code.redirectUri, code.expiresAt],
  );
}

/** The code, locked: two exchanges of one code race for it and only one wins. */
export async function lockAuthCode(db: Db, codeHash: string): Promise<StoredAuthCode | undefined> {
  const { rows } = await db.query<StoredAuthCode>(
    `SELECT registration_id AS "registrationId", redirect_uri AS "redirectUri", expires_at AS "expiresAt",
       used_at AS "usedAt", revoked_at AS "revokedAt"
     FROM drs_simulator.auth_codes WHERE code_hash = $1 FOR UPDATE`,
    [codeHash],
  );
  return rows[0];
}

export async function markAuthCodeUsed(db: Db, codeHash: string, at: Date): Promise<void> {
  await db.query(`UPDATE drs_simulator.auth_codes SET used_at = $2 WHERE code_hash = $1`, [codeHash, at]);
}

export async function insertToken(
  db: Db,
  token: {
    tokenHash: string;
    kind: 'access' | 'refresh';
    registrationId: string;
    expiresAt: Date | null;
    createdAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.tokens (token_hash, kind, registration_id, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [token.tokenHash, token.kind, token.registrationId, token.expiresAt, token.createdAt],
  );
}

export async function findToken(
  db: Db,
  tokenHash: string,
  kind: 'access' | 'refresh',
): Promise<StoredToken | undefined> {
  const { rows } = await db.query<StoredToken>(
    `SELECT registration_id AS "registrationId", expires_at AS "expiresAt", revoked_at AS "revokedAt"
     FROM drs_simulator.tokens WHERE token_hash = $1 AND kind = $2`,
    [tokenHash, kind],
  );
  return rows[0];
}

/** Deregistration invalidates every token and code of the device (DRS-SNS-SPEC 1.3.6). */
export async function revokeCredentials(db: Db, registrationId: string, at: Date): Promise<void> {
  await db.query(`UPDATE drs_simulator.tokens SET revoked_at = $2 WHERE registration_id = $1 AND revoked_at IS NULL`, [
    registrationId,
    at,
  ]);
  await db.query(
    `UPDATE drs_simulator.auth_codes SET revoked_at = $2 WHERE registration_id = $1 AND revoked_at IS NULL`,
    [registrationId, at],
  );
}

/** Ends the life of unexpired access tokens now (all, or one registration's); returns how many. */
export async function expireAccessTokens(db: Db, at: Date, registrationId?: string): Promise<number> {
  const result = await db.query(
    `UPDATE drs_simulator.tokens SET expires_at = $1
     WHERE kind = 'access' AND revoked_at IS NULL AND expires_at > $1
       AND ($2::uuid IS NULL OR registration_id = $2)`,
    [at, registrationId ?? null],
  );
  return result.rowCount ?? 0;
}

export async function expireToken(db: Db, tokenHash: string, at: Date): Promise<void> {
  await db.query(`UPDATE drs_simulator.tokens SET expires_at = $2 WHERE token_hash = $1`, [tokenHash, at]);
}
