import { type Context, context } from '@opentelemetry/api';
import { isRestockError, isRetriable, RestockError } from '@restock/errors';
import { createCodec, Topics } from '@restock/events';
import { type BusLog, type BusProducer, eventHeaders, eventKey, type OutgoingMessage } from '@restock/kafka';
import { type Pool, withTransaction } from '@restock/postgres';
import { IngestErrorCode } from '../domain/ingest-error.js';
import type { ReportEvent } from '../domain/reports-to-events.js';
import { acceptedEvents, acceptedKey } from './accepted-events.js';

const consumptionCodec = createCodec(Topics.consumption);

export interface ReportAcceptorOptions {
  pool: Pool;
  publisher: BusProducer;
  schema: string;
  /** consumption.v1, or its suffixed name in tests. */
  topic: string;
  /** Longest wait for the acknowledgement before answering 503, in ms. */
  deadlineMs: number;
  retryAfterSeconds: number;
  log: BusLog;
  /** Transactions in flight at once; requests arriving meanwhile wait and go together in the next. */
  maxConcurrentGroups?: number;
  /** Events one transaction takes at most (a request's events are never split). */
  maxGroupEvents?: number;
}

export interface AcceptedReports {
  /** Event ids published by this request, in request order. */
  accepted: string[];
  /** Event ids accepted by an earlier request, in request order: not published again. */
  duplicates: string[];
}

export interface ReportAcceptor {
  /**
   * Publishes a device's events exactly once per event id; resolves only once Kafka acknowledged
   * every one of them (ARCHITECTURE principle 4), and rejects with a 503 error otherwise.
   */
  accept(deviceId: string, events: readonly ReportEvent[], acceptedAt: Date): Promise<AcceptedReports>;
}

interface Waiting {
  deviceId: string;
  events: readonly ReportEvent[];
  acceptedAt: Date;
  /** The request's trace context: its events carry it, whichever request's turn runs the group. */
  traceContext: Context;
  resolve: (fresh: Set<string>) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_CONCURRENT_GROUPS = 4;
// About 450 bytes an event on the wire: a group stays well under the broker's 1 MiB batch limit.
const DEFAULT_MAX_GROUP_EVENTS = 1_000;

/**
 * Exactly once per event id. In ONE PostgreSQL transaction: record the event ids (the new ones come
 * back; their rows stay locked, so a concurrent transaction with the same ids waits), publish only
 * the new ones and await the acknowledgement of all in-sync replicas, then COMMIT. A failed publish
 * rolls back, so nothing is recorded; the device hears 503 and retries with the same ids, which are
 * then new again.
 *
 * Requests that arrive while transactions are in flight share the next one (group commit): one
 * INSERT, one publish and one COMMIT for all of them, so a busy ingest pays PostgreSQL's and Kafka's
 * round trips per group, not per request. Within a group, an id sent by two requests at once goes to
 * the first; the second lists it as a duplicate. A group fails as a whole: every request in it hears
 * 503 and retries, and nothing of it was recorded.
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
export function createReportAcceptor(options: ReportAcceptorOptions): ReportAcceptor {
  const store = acceptedEvents(options.schema);
  const maxConcurrentGroups = options.maxConcurrentGroups ?? DEFAULT_MAX_CONCURRENT_GROUPS;
  const maxGroupEvents = options.maxGroupEvents ?? DEFAULT_MAX_GROUP_EVENTS;
  const queue: Waiting[] = [];
  let inFlight = 0;

  function takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    let events = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      if (group.length > 0 && events + next.events.length > maxGroupEvents) break;
      group.push(next);
      events += next.events.length;
      queue.shift();
    }
    return group;
  }

  function pump(): void {
    while (inFlight < maxConcurrentGroups && queue.length > 0) {
      const group = takeGroup();
      inFlight++;
      void runGroup(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  async function runGroup(group: Waiting[]): Promise<void> {
    try {
      const freshPerRequest = await withTransaction(options.pool, async (tx) => {
        const recorded = await store.recordNew(
          tx,
          group.flatMap((w) =>
            w.events.map((e) => ({ deviceId: w.deviceId, eventId: e.id, acceptedAt: w.acceptedAt })),
          ),
        );
        const claimed = new Set<string>();
        const fresh = group.map((w) => {
          const mine = new Set<string>();
          for (const e of w.events) {
            const key = acceptedKey(w.deviceId, e.id);
            if (recorded.has(key) && !claimed.has(key)) {
              claimed.add(key);
              mine.add(e.id);
            }
          }
          return mine;
        });
        try {
          const messages = group.flatMap((w, i) =>
            context.with(w.traceContext, () =>
              w.events.filter((e) => fresh[i]!.has(e.id)).map((e) => toMessage(e, options.topic)),
            ),
          );
          await options.publisher.sendMessages(messages);
        } catch (error) {
          // A refusal for good (unknown topic, message too large) is a bug of ours: a 500 naming no topic.
          if (!isRetriable(error)) throw new Error('Kafka refused the reports for good', { cause: error });
          throw busUnavailable(options, 'Kafka did not acknowledge the reports; nothing was recorded', error);
        }
        return fresh;
      });
      group.forEach((w, i) => {
        w.resolve(freshPerRequest[i]!);
      });
    } catch (error) {
      const failure = asServiceError(options, error);
      for (const w of group) w.reject(failure);
    }
  }

  return {
    async accept(deviceId, events, acceptedAt) {
      const outcome = new Promise<Set<string>>((resolve, reject) => {
        queue.push({ deviceId, events, acceptedAt, traceContext: context.active(), resolve, reject });
        pump();
      });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              busUnavailable(
                options,
                `Kafka did not acknowledge the reports within ${options.deadlineMs} ms; if it still does, a retry will list them as duplicates`,
              ),
            ),
          options.deadlineMs,
        );
      });
      try {
        const fresh = await Promise.race([outcome, deadline]);
        return {
          accepted: events.filter((e) => fresh.has(e.id)).map((e) => e.id),
          duplicates: events.filter((e) => !fresh.has(e.id)).map((e) => e.id),
        };
      } finally {
        clearTimeout(timer);
        // After a deadline the transaction still settles on its own; its failure is only worth a log line.
        outcome.catch((error: unknown) => options.log.debug({ err: error }, 'accepting reports failed'));
      }
    },
  };
}

/** One event on the wire, validated, with the trace of the active context in its headers. */
function toMessage(event: ReportEvent, topic: string): OutgoingMessage {
  return { topic, key: eventKey(event), value: consumptionCodec.encode(event), headers: eventHeaders(event) };
}

function busUnavailable(options: ReportAcceptorOptions, message: string, cause?: unknown): RestockError {
  return new RestockError(IngestErrorCode.ING_BUS_UNAVAILABLE, `${message}: retry with the same event ids`, {
    cause,
    retriable: true,
    status: 503,
    details: { retryAfterSeconds: options.retryAfterSeconds },
  });
}

// PostgreSQL going away surfaces as a pg or socket error; the device must hear 503 and retry, not 500.
function asServiceError(options: ReportAcceptorOptions, error: unknown): unknown {
  if (isRestockError(error) && error.status !== undefined) return error;
  if (!isRetriable(error)) return error;
  return storeUnavailable(options.retryAfterSeconds, error);
}

/** A 503 for a PostgreSQL failure on the hot path. */
export function storeUnavailable(retryAfterSeconds: number, cause: unknown): RestockError {
  return new RestockError(
    IngestErrorCode.ING_STORE_UNAVAILABLE,
    'the device registry is unavailable; retry with the same event ids',
    { cause, retriable: true, status: 503, details: { retryAfterSeconds } },
  );
}
