import { Type } from '@sinclair/typebox';
import { createTokenVerifier, type TokenVerifier } from './tokens.js';

/**
 * The environment variables of token verification, for a service's config schema
 * (`Type.Object({ ...AuthConfig, ... })`). Exactly one key source must be set: pass
 * `{ exactlyOne: [AUTH_KEY_SOURCES] }` to loadConfig.
 */
export const AuthConfig = {
  AUTH_ISSUER: Type.String({ default: 'restock-local', minLength: 1 }),
  AUTH_AUDIENCE: Type.String({ default: 'restock', minLength: 1 }),
  /** HS256 shared secret: development and single-tenant deployments. */
  AUTH_HMAC_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** The identity provider's RS256/ES256 public key (SPKI PEM). */
  AUTH_PUBLIC_KEY_PEM: Type.Optional(Type.String({ pattern: '-----BEGIN PUBLIC KEY-----' })),
  /** The identity provider's JWKS URL (production). */
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
};

export const AUTH_KEY_SOURCES = ['AUTH_HMAC_SECRET', 'AUTH_PUBLIC_KEY_PEM', 'AUTH_JWKS_URL'] as const;

export interface AuthSettings {
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_HMAC_SECRET?: string | undefined;
  AUTH_PUBLIC_KEY_PEM?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
}

/** The verifier the settings describe. */
export function tokenVerifierFromConfig(config: AuthSettings): TokenVerifier {
  return createTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    ...(config.AUTH_HMAC_SECRET ? { hmacSecret: config.AUTH_HMAC_SECRET } : {}),
    ...(config.AUTH_PUBLIC_KEY_PEM ? { publicKeyPem: config.AUTH_PUBLIC_KEY_PEM } : {}),
    ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
  });
}
