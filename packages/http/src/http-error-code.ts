/**
 * The closed list of codes this package puts in problem documents for failures it detects itself.
 * Errors raised by a service carry their own codes (`ING_`, `QRY_`...) through `RestockError`.
 */
export const HttpErrorCode = {
  /** A body, query string, path parameter or header does not match the route's schema. */
  HTTP_VALIDATION_FAILED: 'HTTP_VALIDATION_FAILED',
  /** The body is not parseable as its Content-Type says (bad JSON, empty JSON, wrong length). */
  HTTP_MALFORMED_BODY: 'HTTP_MALFORMED_BODY',
  HTTP_BODY_TOO_LARGE: 'HTTP_BODY_TOO_LARGE',
  HTTP_UNSUPPORTED_MEDIA_TYPE: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  /** Any other request fastify rejects before a handler runs (bad URL encoding, parameter too long...). */
  HTTP_BAD_REQUEST: 'HTTP_BAD_REQUEST',
  HTTP_NOT_FOUND: 'HTTP_NOT_FOUND',
  HTTP_RATE_LIMITED: 'HTTP_RATE_LIMITED',
  /** The client was banned by the rate limiter after repeatedly exceeding its limit. */
  HTTP_RATE_LIMIT_BANNED: 'HTTP_RATE_LIMIT_BANNED',
  /** A readiness check failed or timed out. */
  HTTP_NOT_READY: 'HTTP_NOT_READY',
  /** The process is draining before it exits; retry on another instance. */
  HTTP_SHUTTING_DOWN: 'HTTP_SHUTTING_DOWN',
  /** A dependency is down; the same request may succeed later (see Retry-After). */
  HTTP_UNAVAILABLE: 'HTTP_UNAVAILABLE',
  /** An unexpected error; details are in the log under the request id, never in the response. */
  HTTP_INTERNAL: 'HTTP_INTERNAL',
} as const;

/** One of {@link HttpErrorCode}. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];
