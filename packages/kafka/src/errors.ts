import { RestockError } from '@restock/errors';

export const BusErrorCode = {
  /** The broker did not acknowledge (down, not enough replicas, timed out): try again later. */
  BUS_UNAVAILABLE: 'BUS_UNAVAILABLE',
  /** The broker refused the request for good (unknown topic, message too large, not authorized). */
  BUS_REJECTED: 'BUS_REJECTED',
  BUS_STOPPED: 'BUS_STOPPED',
} as const;

/** Wraps a kafkajs error in a RestockError that keeps its retriable flag. */
export function busError(cause: unknown, what: string): RestockError {
  const retriable = isTransientKafkaError(cause);
  return new RestockError(
    retriable ? BusErrorCode.BUS_UNAVAILABLE : BusErrorCode.BUS_REJECTED,
    `${what}: ${(cause as Error)?.message ?? String(cause)}`,
    { cause, retriable, status: retriable ? 503 : 500 },
  );
}

function isTransientKafkaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retriable?: boolean; name?: string; type?: string; cause?: unknown; originalError?: unknown };
  // kafkajs wraps exhausted retries in KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError around the real cause.
  if (e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSConnectionError') return true;
  if (e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout') return true;
  if (e.type === 'NOT_ENOUGH_REPLICAS' || e.type === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND') return true;
  if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return false;
  if (e.retriable === true) return true;
  if (e.originalError) return isTransientKafkaError(e.originalError);
  if (e.cause) return isTransientKafkaError(e.cause);
  return false;
}
