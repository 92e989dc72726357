import { AuthErrorCode, bearerToken, OPERATOR_SCOPE, type Principal, type TokenVerifier } from '@restock/auth';
import { RestockError } from '@restock/errors';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for; set by the authentication hook of the route's scope. */
    principal: Principal | null;
  }
}

/** The longest customer id a device's state holds (`DeviceState.customerId`). */
const MAX_CUSTOMER_ID_LENGTH = 128;

/**
 * An onRequest hook for the admin API: a valid bearer token with the operator scope. It runs before
 * the body is read, so an unauthenticated upload is refused without being buffered.
 */
export function requireOperator(verifier: TokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await verifier.verify(bearerToken(request.headers.authorization));
    if (!principal.scopes.includes(OPERATOR_SCOPE)) {
      throw new RestockError(AuthErrorCode.AUTH_FORBIDDEN, `the admin API needs a token with scope ${OPERATOR_SCOPE}`, {
        status: 403,
        details: { requiredScope: OPERATOR_SCOPE },
      });
    }
    request.principal = principal;
  };
}

/** An onRequest hook for customers: any valid bearer token; its subject is the customer id. */
export function requireCustomer(verifier: TokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await verifier.verify(bearerToken(request.headers.authorization));
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

/** The principal the route's authentication hook verified. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) {
    // Only a route registered outside its authenticated scope gets here: a wiring bug, never a client's fault.
    throw new Error(`route ${request.routeOptions.url} ran without authentication`);
  }
  return request.principal;
}
