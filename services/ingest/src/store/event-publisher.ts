import { RestockError } from '@restock/errors';
import type { TopicCodec } from '@restock/events';
import {
  BusErrorCode,
  type BusLog,
  type BusProducer,
  createKafka,
  createProducer,
  eventHeaders,
  eventKey,
  type OutgoingMessage,
} from '@restock/kafka';
import type { Static, TSchema } from '@sinclair/typebox';

/*
 * consumption.v1 is ingest's store of record: what it accepted is what this module got acknowledged.
 */

export interface EventPublisherOptions {
  /** A fresh producer; called at first use and again after every failed send. */
  createProducer: () => BusProducer;
  log: BusLog;
  /** Largest coalesced send, in bytes; one call larger than that still goes, alone. */
  maxBatchBytes?: number;
}

interface Waiting {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Well under the broker's default message.max.bytes (1 MiB per partition batch), whatever the spread.
const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;

/**
 * A {@link BusProducer} that coalesces concurrent sends and replaces its producer after a failure.
 *
 * Coalescing: the idempotent producer has one request in flight at a time, so requests that arrive
 * while a send is in flight wait and then go together in the next send; each caller's promise still
 * settles only with the acknowledgement of its own messages. Under load this turns a queue of
 * one-report sends into a few large ones, instead of one broker round trip per request.
 *
 * Replacement: a send that failed may still have been written (the broker's answer was lost), and
 * kafkajs would give the next batch the same sequence numbers, which the broker could then drop as
 * a duplicate while acknowledging it. A new producer has a new producer id, so nothing can be taken
 * for what the failed one sent.
 */
export function createEventPublisher(options: EventPublisherOptions): BusProducer {
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const queue: Waiting[] = [];
  let connected: Promise<BusProducer> | undefined;
  let flushing = false;
  let loop: Promise<void> = Promise.resolve();
  let closed = false;

  function producer(): Promise<BusProducer> {
    if (connected !== undefined) return connected;
    const fresh = options.createProducer();
    const attempt = fresh.connect().then(
      () => fresh,
      async (error: unknown) => {
        if (connected === attempt) connected = undefined;
        await fresh.disconnect().catch(() => {});
        throw error;
      },
    );
    connected = attempt;
    return attempt;
  }

  function retire(): void {
    const old = connected;
    connected = undefined;
    if (old !== undefined) {
      void old.then(
        (p) => p.disconnect(),
        () => {},
      );
    }
  }

  function takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let bytes = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      if (batch.length > 0 && bytes + next.bytes > maxBatchBytes) break;
      batch.push(next);
      bytes += next.bytes;
      queue.shift();
    }
    return batch;
  }

  // `flushing` is cleared in the same synchronous step in which the loop finds the queue empty (the
  // finally runs without an await in between), so a message queued at any moment is either taken by
  // the running loop or starts a new one.
  async function flush(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = takeBatch();
        try {
          const p = await producer();
          await p.sendMessages(batch.flatMap((w) => w.messages));
          for (const w of batch) w.resolve();
        } catch (error) {
          retire();
          const messages = batch.reduce((n, w) => n + w.messages.length, 0);
          options.log.warn({ err: error, messages }, 'publish failed; the next send uses a new producer');
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  function sendMessages(messages: OutgoingMessage[]): Promise<void> {
    if (closed) {
      return Promise.reject(
        new RestockError(BusErrorCode.BUS_STOPPED, 'the publisher is closed', { retriable: true, status: 503 }),
      );
    }
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      queue.push({ messages, bytes: sizeOf(messages), resolve, reject });
      if (!flushing) {
        flushing = true;
        loop = flush();
      }
    });
  }

  return {
    async connect() {
      await producer();
    },
    async publish<E extends readonly TSchema[]>(codec: TopicCodec<E>, events: Static<E[number]>[], topic?: string) {
      const name = topic ?? codec.topic.name;
      await sendMessages(
        events.map((event) => {
          const e = event as { id: string; type: string; version: number; deviceId?: string; key?: string };
          return { topic: name, key: eventKey(e), value: codec.encode(event), headers: eventHeaders(e) };
        }),
      );
    },
    sendMessages,
    async disconnect() {
      closed = true;
      await loop;
      const last = connected;
      connected = undefined;
      if (last !== undefined) await last.then((p) => p.disconnect()).catch(() => {});
    },
  };
}

function sizeOf(messages: OutgoingMessage[]): number {
  let bytes = 0;
  for (const m of messages) {
    bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0) + 64; // record overhead, roughly
    for (const [k, v] of Object.entries(m.headers)) bytes += k.length + v.length;
  }
  return bytes;
}

export interface IngestPublisherOptions {
  brokers: string[];
  clientId: string;
  log: BusLog;
}

/**
 * The publisher ingest runs with: idempotent, acks from all in-sync replicas, and bounded so that a
 * dead broker fails a send in seconds (a refused connection in well under one; a broker that
 * accepts connections but never answers after about 3 requests x 3 s). The request path adds its
 * own deadline on top (see `accept-reports.ts`), so a device hears 503 in time whatever kafkajs does.
 */
export function createIngestPublisher(options: IngestPublisherOptions): BusProducer {
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId,
    log: options.log,
    requestTimeout: 3_000, // ms
    retries: 2,
  });
  return createEventPublisher({
    log: options.log,
    createProducer: () =>
      createProducer(kafka, {
        log: options.log,
        ackTimeout: 2_500, // ms; below the request timeout, so the broker answers before the client gives up
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      }),
  });
}
