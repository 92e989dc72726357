import { RestockError } from '@restock/errors';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';

export const AuthErrorCode = {
  AUTH_MISSING: 'AUTH_MISSING',
  AUTH_INVALID: 'AUTH_INVALID',
  AUTH_FORBIDDEN: 'AUTH_FORBIDDEN',
} as const;

/** Who a verified bearer token speaks for. */
export interface Principal {
  /** The token's subject: the customer id of the companion app's user, or the operator's id. */
  subject: string;
  scopes: string[];
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** HS256 shared secret (at least 32 bytes); for development and single-tenant deployments. */
  hmacSecret?: string;
  /** An RS256/ES256 public key (SPKI PEM). */
  publicKeyPem?: string;
  /** A JWKS URL (production: the identity provider's keys, fetched and cached by jose). */
  jwksUrl?: string;
  /** A JWKS document given inline. */
  jwks?: { keys: Record<string, unknown>[] };
  /** Seconds of clock skew tolerated. */
  clockToleranceSec?: number;
  /** Current time, for tests. */
  now?: () => Date;
}

export interface TokenVerifier {
  /** Verifies a bearer token; throws AUTH_INVALID (401) naming why, never the token. */
  verify(token: string): Promise<Principal>;
}

const MIN_SECRET_BYTES = 32;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const sources = [options.hmacSecret, options.publicKeyPem, options.jwksUrl, options.jwks].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1) throw new Error('configure exactly one of hmacSecret, publicKeyPem, jwksUrl, jwks');
  let key: Promise<Uint8Array | Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey>;
  let algorithms: string[];
  if (options.hmacSecret !== undefined) {
    if (Buffer.byteLength(options.hmacSecret) < MIN_SECRET_BYTES) {
      throw new Error(`the HS256 secret must have at least ${MIN_SECRET_BYTES} bytes`);
    }
    key = Promise.resolve(new TextEncoder().encode(options.hmacSecret));
    algorithms = ['HS256'];
  } else if (options.publicKeyPem !== undefined) {
    const pem = options.publicKeyPem;
    key = importSPKI(pem, 'RS256').catch(() => importSPKI(pem, 'ES256'));
    algorithms = ['RS256', 'ES256'];
  } else if (options.jwksUrl !== undefined) {
    key = Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 }));
    algorithms = ['RS256', 'ES256', 'PS256', 'EdDSA'];
  } else {
    key = Promise.resolve(createLocalJWKSet(options.jwks as never));
    algorithms = ['RS256', 'ES256', 'PS256', 'EdDSA'];
  }

  return {
    async verify(token) {
      try {
        const k = await key;
        const { payload } = await jwtVerify(token, k as never, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms,
          clockTolerance: options.clockToleranceSec ?? 30,
          currentDate: options.now?.(),
          requiredClaims: ['sub', 'exp'],
        });
        const scope = typeof payload.scope === 'string' ? payload.scope : '';
        return { subject: payload.sub as string, scopes: scope.split(' ').filter(Boolean) };
      } catch (cause) {
        throw new RestockError(AuthErrorCode.AUTH_INVALID, `the bearer token is not valid: ${why(cause)}`, {
          cause,
          status: 401,
        });
      }
    },
  };
}

function why(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} failed (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is malformed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not allowed';
  return 'it could not be verified';
}

export interface MintOptions {
  hmacSecret: string;
  issuer: string;
  audience: string;
  subject: string;
  scopes?: string[];
  /** Lifetime in seconds. */
  ttlSec?: number;
  now?: () => Date;
}

/** Issues an HS256 token: for development (`npm start` prints one), tests and the device simulator. */
export async function mintToken(options: MintOptions): Promise<string> {
  const nowSec = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  return new SignJWT({ scope: (options.scopes ?? []).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + (options.ttlSec ?? 3600))
    .sign(new TextEncoder().encode(options.hmacSecret));
}

/** Reads `Authorization: Bearer <token>`; throws AUTH_MISSING (401) when absent or malformed. */
export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer\s+([^\s]+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new RestockError(AuthErrorCode.AUTH_MISSING, 'an Authorization: Bearer credential is required', {
      status: 401,
      details: { field: '/headers/authorization' },
    });
  }
  return match[1];
}

/** The scope operators' tokens carry for the admin API. */
export const OPERATOR_SCOPE = 'restock:admin';
