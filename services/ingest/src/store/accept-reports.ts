import { isRestockError, isRetriable, RestockError } from '@restock/errors';
import { createCodec, Topics } from '@restock/events';
import type { BusLog, BusProducer } from '@restock/kafka';
import { type Pool, withTransaction } from '@restock/postgres';
import { IngestErrorCode } from '../domain/ingest-error.js';
import type { ReportEvent } from '../domain/reports-to-events.js';
import { acceptedEvents } from './accepted-events.js';

const consumptionCodec = createCodec(Topics.consumption);

export interface AcceptReportsDeps {
  pool: Pool;
  publisher: BusProducer;
  schema: string;
  /** consumption.v1, or its suffixed name in tests. */
  topic: string;
  /** Longest wait for the acknowledgement before answering 503, in ms. */
  deadlineMs: number;
  retryAfterSeconds: number;
  log: BusLog;
}

export interface AcceptedReports {
  /** Event ids published by this request, in request order. */
  accepted: string[];
  /** Event ids accepted by an earlier request, in request order: not published again. */
  duplicates: string[];
}

/**
 * Publishes a device's events exactly once per event id, and resolves only once Kafka has
 * acknowledged every one of them (ARCHITECTURE principle 4).
 *
 * In ONE PostgreSQL transaction: record the request's event ids (the new ones come back; the rows
 * stay locked, so a concurrent request with the same ids waits), publish only the new ones and await
 * the acknowledgement of all in-sync replicas, then COMMIT. A failed publish rolls back, so nothing
 * is recorded, and the device hears 503 and retries with the same ids, which are then new again.
 *
 * The window that remains: the broker acknowledged, and then the COMMIT did not happen (the process
 * died, PostgreSQL went away), or kafkajs gave up on a send the broker had in fact written. The device
 * got no 202 and retries; its events are published a second time under the same event ids. Readers
 * de-duplicate on the event id (ARCHITECTURE principle 2: the projector applies each id once), so the
 * inventory is unaffected; the topic holds the record twice. Closing it would need PostgreSQL and
 * Kafka to commit together, which they cannot; an outbox (commit first, publish later) would instead
 * answer 202 before Kafka has the event, which principle 4 forbids.
 *
 * When the deadline passes first, the device hears 503 while the transaction goes on: if the publish
 * is acknowledged after all, the ids are committed, and the device's retry (which waits on their
 * locks meanwhile) is answered with them as duplicates instead of publishing them again.
 */
export async function acceptReports(
  deps: AcceptReportsDeps,
  deviceId: string,
  events: readonly ReportEvent[],
  acceptedAt: Date,
): Promise<AcceptedReports> {
  const store = acceptedEvents(deps.schema);
  const outcome = withTransaction(deps.pool, async (tx) => {
    const fresh = await store.recordNew(
      tx,
      deviceId,
      events.map((e) => e.id),
      acceptedAt,
    );
    const toPublish = events.filter((e) => fresh.has(e.id));
    try {
      await deps.publisher.publish(consumptionCodec, toPublish, deps.topic);
    } catch (error) {
      // A refusal for good (unknown topic, message too large) is a bug of ours: a 500 that names no topic.
      if (!isRetriable(error)) throw new Error('Kafka refused the reports for good', { cause: error });
      throw busUnavailable(deps, 'Kafka did not acknowledge the reports; nothing was recorded', error);
    }
    return fresh;
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          busUnavailable(
            deps,
            `Kafka did not acknowledge the reports within ${deps.deadlineMs} ms; if it still does, a retry will list them as duplicates`,
          ),
        ),
      deps.deadlineMs,
    );
  });
  try {
    const fresh = await Promise.race([outcome, deadline]);
    return {
      accepted: events.filter((e) => fresh.has(e.id)).map((e) => e.id),
      duplicates: events.filter((e) => !fresh.has(e.id)).map((e) => e.id),
    };
  } catch (error) {
    throw asServiceError(deps, error);
  } finally {
    clearTimeout(timer);
    // After a deadline the transaction still settles on its own; its failure is only worth a log line.
    outcome.catch((error: unknown) => deps.log.debug({ err: error }, 'accepting reports failed'));
  }
}

function busUnavailable(deps: AcceptReportsDeps, message: string, cause?: unknown): RestockError {
  return new RestockError(IngestErrorCode.ING_BUS_UNAVAILABLE, `${message}: retry with the same event ids`, {
    cause,
    retriable: true,
    status: 503,
    details: { retryAfterSeconds: deps.retryAfterSeconds },
  });
}

// PostgreSQL going away surfaces as a pg or socket error; the device must hear 503 and retry, not 500.
function asServiceError(deps: AcceptReportsDeps, error: unknown): unknown {
  if (isRestockError(error) && error.status !== undefined) return error;
  if (!isRetriable(error)) return error;
  return storeUnavailable(deps.retryAfterSeconds, error);
}

/** A 503 for a PostgreSQL failure on the hot path. */
export function storeUnavailable(retryAfterSeconds: number, cause: unknown): RestockError {
  return new RestockError(
    IngestErrorCode.ING_STORE_UNAVAILABLE,
    'the device registry is unavailable; retry with the same event ids',
    { cause, retriable: true, status: 503, details: { retryAfterSeconds } },
  );
}
