import { mintToken, OPERATOR_SCOPE } from '@restock/auth';
import { SimulatorError, SimulatorErrorCode } from '../domain/simulator-error.js';

/** Lifetime of a minted operator token, s; a new one is minted a minute before it ends. */
const MINTED_TTL_S = 3600;

export interface OperatorTokenConfig {
  OPERATOR_TOKEN?: string | undefined;
  AUTH_HMAC_SECRET?: string | undefined;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
}

/**
 * Where the catalog calls get their operator token: OPERATOR_TOKEN as given (it is the operator's to
 * renew), or one minted with the development secret as infra/local/src/dev-token.ts does, renewed
 * before it expires so a simulator that runs for days can still rotate a credential.
 */
export function operatorTokenSource(config: OperatorTokenConfig, now: () => number = Date.now): () => Promise<string> {
  const given = config.OPERATOR_TOKEN;
  if (given !== undefined) return async () => given;
  const secret = config.AUTH_HMAC_SECRET;
  if (secret === undefined) {
    throw new SimulatorError(
      SimulatorErrorCode.SIM_NO_OPERATOR_TOKEN,
      'set OPERATOR_TOKEN, or AUTH_HMAC_SECRET to mint one (npm start sets it from infra/local/.run/dev.env)',
    );
  }
  let cached: { token: string; renewAt: number } | null = null;
  return async () => {
    if (cached !== null && now() < cached.renewAt) return cached.token;
    const token = await mintToken({
      hmacSecret: secret,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      subject: 'device-simulator',
      scopes: [OPERATOR_SCOPE],
      ttlSec: MINTED_TTL_S,
      now: () => new Date(now()),
    });
    cached = { token, renewAt: now() + (MINTED_TTL_S - 60) * 1000 };
    return token;
  };
}
