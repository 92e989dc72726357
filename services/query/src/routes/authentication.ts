import { AuthErrorCode, bearerToken, type Principal, type TokenVerifier } from '@restock/auth';
import { isRestockError, RestockError } from '@restock/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for; set by the authentication hook of the API's scope. */
    principal: Principal | null;
  }
}

/**
 * A verifier that remembers the tokens it verified, until they expire (and at most `maxAgeMs`): a
 * companion app sends the same token with every request, and checking its signature again each time
 * costs more than the rest of a cached read. Only successes are remembered, keyed by the whole token,
 * so a token is accepted from memory only if it was accepted before and has not expired since.
 */
export function rememberingVerifier(
  verifier: TokenVerifier,
  options: { clock: () => Date; maxEntries?: number; maxAgeMs?: number },
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000; // ms
  const known = new Map<string, { principal: Principal; until: number }>();
  return {
    async verify(token) {
      const now = options.clock().getTime();
      const hit = known.get(token);
      if (hit !== undefined && hit.until > now) return hit.principal;
      if (hit !== undefined) known.delete(token);
      const principal = await verifier.verify(token);
      const expiresAt = expiryOf(token);
      if (expiresAt !== undefined) {
        // Map order is insertion order: the first entry is the oldest.
        if (known.size >= maxEntries) known.delete(known.keys().next().value as string);
        known.set(token, { principal, until: Math.min(expiresAt, now + maxAgeMs) });
      }
      return principal;
    },
  };
}

/** The `exp` of a JWT the verifier accepted, in ms; undefined if it cannot be read. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The longest customer id a device's state holds (`DeviceState.customerId`). */
const MAX_CUSTOMER_ID_LENGTH = 128;

const WWW_AUTHENTICATE = 'Bearer realm="restock"';

/**
 * The onRequest hook of the companion app's API: a valid bearer JWT (issuer, audience, signature,
 * expiry); its subject is the customer id. It runs before the body is read, so an unauthenticated
 * request costs nothing more.
 */
export function requireCustomer(verifier: TokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let principal: Principal;
    try {
      principal = await verifier.verify(bearerToken(request.headers.authorization));
    } catch (error) {
      // RFC 6750: a 401 names the scheme, and says when the token itself was the problem.
      const invalid = isRestockError(error) && error.code === AuthErrorCode.AUTH_INVALID;
      reply.header('www-authenticate', invalid ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE);
      throw error;
    }
    if (principal.subject.length === 0 || principal.subject.length > MAX_CUSTOMER_ID_LENGTH) {
      throw new RestockError(
        AuthErrorCode.AUTH_FORBIDDEN,
        `the token's subject is not a customer id (1 to ${MAX_CUSTOMER_ID_LENGTH} characters)`,
        { status: 403 },
      );
    }
    request.principal = principal;
  };
}

/** The customer the route's authentication hook verified. */
export function customerOf(request: FastifyRequest): string {
  if (request.principal === null) {
    // Only a route registered outside the authenticated scope gets here: a wiring bug, never a client's fault.
    throw new Error(`route ${request.routeOptions.url} ran without authentication`);
  }
  return request.principal.subject;
}
