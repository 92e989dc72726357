import { AuthErrorCode, bearerToken, type Principal, type TokenVerifier } from '@restock/auth';
import { isRestockError, RestockError } from '@restock/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for; set by the authentication hook of the API's scope. */
    principal: Principal | null;
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
