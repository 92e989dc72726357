import { describeError } from '@restock/errors';

/**
 * Why a fetch failed, readably: undici throws "fetch failed" and keeps the reason (ECONNREFUSED,
 * a timeout) in `cause`.
 */
export function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? describeError(error) : `${describeError(error)} (${describeError(cause)})`;
}
