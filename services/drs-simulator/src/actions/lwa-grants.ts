import { withTransaction } from '@restock/postgres';
import { newAccessToken, newRefreshToken, secretHash } from '../identifiers.js';
import type { SimulatorContext } from '../simulator-context.js';
import { getRegistration, type Registration } from '../store/registrations-store.js';
import { expireToken, findToken, insertToken, lockAuthCode, markAuthCodeUsed } from '../store/tokens-store.js';

/** LWA's token response (DRS-SNS-SPEC 1.1), keys in the documented order. */
export interface LwaTokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  token_type: 'bearer';
}

/** An OAuth 2.0 error as LWA answers it: `error` code, human `error_description`, and the HTTP status. */
export interface LwaGrantError {
  status: 400 | 401;
  error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';
  description: string;
}

export type GrantOutcome = { ok: true; tokens: LwaTokenResponse } | ({ ok: false } & LwaGrantError);

function refused(status: 400 | 401, error: LwaGrantError['error'], description: string): GrantOutcome {
  return { ok: false, status, error, description };
}

/** The security profile's credentials must match (RFC 6749 5.2: a failed client authentication is 401). */
export function checkClient(
  context: SimulatorContext,
  clientId: string,
  clientSecret: string,
): GrantOutcome | undefined {
  if (clientId !== context.settings.lwaClientId || clientSecret !== context.settings.lwaClientSecret) {
    return refused(401, 'invalid_client', 'Client authentication failed');
  }
  return undefined;
}

/**
 * The authorization-code grant: a code works once, before it expires, with the redirect_uri it was issued
 * for, and only while its registration is active; it yields an access token and a refresh token bound to
 * that registration (one customer and one device).
 */
export async function exchangeAuthorizationCode(
  context: SimulatorContext,
  code: string,
  redirectUri: string,
): Promise<GrantOutcome> {
  return withTransaction(context.pool, async (tx) => {
    const now = context.clock.realNow();
    const codeHash = secretHash(code);
    const stored = await lockAuthCode(tx, codeHash);
    if (stored === undefined || stored.revokedAt !== null) {
      return refused(400, 'invalid_grant', 'The authorization code is invalid');
    }
    if (stored.usedAt !== null) return refused(400, 'invalid_grant', 'The authorization code has already been used');
    if (stored.expiresAt.getTime() <= now.getTime()) {
      return refused(400, 'invalid_grant', 'The authorization code has expired');
    }
    if (stored.redirectUri !== redirectUri) {
      return refused(400, 'invalid_grant', 'The redirect_uri does not match the one the code was issued for');
    }
    await markAuthCodeUsed(tx, codeHash, now);
    const accessToken = newAccessToken();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + context.settings.accessTokenTtlSeconds * 1000);
    await insertToken(tx, {
      tokenHash: secretHash(accessToken),
      kind: 'access',
      registrationId: stored.registrationId,
      expiresAt,
      createdAt: now,
    });
    await insertToken(tx, {
      tokenHash: secretHash(refreshToken),
      kind: 'refresh',
      registrationId: stored.registrationId,
      expiresAt: null,
      createdAt: now,
    });
    context.log.info({ registrationId: stored.registrationId }, 'authorization code exchanged');
    return {
      ok: true,
      tokens: {
        access_token: accessToken,
        expires_in: context.settings.accessTokenTtlSeconds,
        refresh_token: refreshToken,
        token_type: 'bearer',
      },
    };
  });
}

/**
 * The refresh-token grant: a new access token; the refresh token stays the same, as LWA's does, until
 * deregistration revokes it.
 */
export async function refreshAccessToken(context: SimulatorContext, refreshToken: string): Promise<GrantOutcome> {
  return withTransaction(context.pool, async (tx) => {
    const now = context.clock.realNow();
    const stored = await findToken(tx, secretHash(refreshToken), 'refresh');
    if (stored === undefined || stored.revokedAt !== null) {
      return refused(400, 'invalid_grant', 'The refresh token is invalid or has been revoked');
    }
    const accessToken = newAccessToken();
    await insertToken(tx, {
      tokenHash: secretHash(accessToken),
      kind: 'access',
      registrationId: stored.registrationId,
      expiresAt: new Date(now.getTime() + context.settings.accessTokenTtlSeconds * 1000),
      createdAt: now,
    });
    return {
      ok: true,
      tokens: {
        access_token: accessToken,
        expires_in: context.settings.accessTokenTtlSeconds,
        refresh_token: refreshToken,
        token_type: 'bearer',
      },
    };
  });
}

/**
 * The registration a DRS call's access token belongs to, or undefined when the token is unknown,
 * revoked, expired, or hit by the early-expiry fault (which then expires it for good).
 */
export async function authenticate(context: SimulatorContext, accessToken: string): Promise<Registration | undefined> {
  const tokenHash = secretHash(accessToken);
  const stored = await findToken(context.pool, tokenHash, 'access');
  const now = context.clock.realNow();
  if (stored === undefined || stored.revokedAt !== null) return undefined;
  if (stored.expiresAt === null || stored.expiresAt.getTime() <= now.getTime()) return undefined;
  if (context.faults.tokenExpiry()) {
    await expireToken(context.pool, tokenHash, now);
    context.log.info({ registrationId: stored.registrationId }, 'fault: access token expired early');
    return undefined;
  }
  const registration = await getRegistration(context.pool, stored.registrationId);
  return registration?.deregisteredAt === null ? registration : undefined;
}
