import { context, type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describeError, isRetriable } from '@restock/errors';
import type { TopicCodec } from '@restock/events';
import { type Pool, quoteIdent, type Tx, withTransaction } from '@restock/postgres';
import { extractTraceContext, lazyInstruments } from '@restock/telemetry';
import type { TSchema } from '@sinclair/typebox';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { BusLog } from './log.js';
import { enqueueMessages } from './outbox.js';

/**
 * Looked up per span, not once at import: `trace.disable()` (a test installing its own tracing,
 * telemetry shutting down) leaves a tracer taken earlier bound to a provider that never gets a
 * delegate, so its spans would be silently dropped.
 */
const tracer = () => trace.getTracer('@restock/kafka');
// Prometheus: restock_consumer_events_applied_total, restock_consumer_dead_letters_total,
// restock_consumer_lag (messages behind the partition's end, as of the last batch).
const lags = new Map<string, { attributes: Record<string, string | number>; lag: number }>();
const instruments = lazyInstruments('@restock/kafka', (meter) => {
  const lagGauge = meter.createObservableGauge('restock.consumer.lag', {
    description: 'Messages between the last applied offset and the end of the partition',
  });
  lagGauge.addCallback((result) => {
    for (const { attributes, lag } of lags.values()) result.observe(lag, attributes);
  });
  return {
    applied: meter.createCounter('restock.consumer.events_applied', {
      description: 'Messages applied by a projection consumer (duplicates and skipped ones included)',
    }),
    deadLetters: meter.createCounter('restock.consumer.dead_letters', {
      description: 'Messages a projection consumer could not apply and sent to the DLQ',
    }),
  };
});

/** Where a message came from; handlers use it for logs and, rarely, for ordering. */
export interface MessageMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
}

export interface Subscription {
  /** The topic name (tests use suffixed names; services use the catalogue's). */
  topic: string;
  codec: TopicCodec<readonly TSchema[]>;
}

export interface ProjectionConsumerOptions<Ctx> {
  kafka: Kafka;
  pool: Pool;
  /** Schema that holds this service's consumer_offsets and outbox tables. */
  schema: string;
  groupId: string;
  /**
   * The name the applied offsets are stored under in PostgreSQL; defaults to groupId. A rebuild reads
   * with a throwaway Kafka group but stores offsets under the live name, so the live projector resumes
   * from them once the rebuilt tables are swapped in.
   */
  offsetGroup?: string;
  subscriptions: Subscription[];
  log: BusLog;
  /**
   * Runs first in every batch transaction, before the offsets are read (e.g. to take a shared lock
   * that a projection swap takes exclusively).
   */
  openTransaction?: (tx: Tx) => Promise<void>;
  /**
   * Runs once per batch before the first message, inside the transaction, with the Kafka keys of the
   * batch's messages still to apply (e.g. to lock those devices); its result is the handler's context.
   */
  beginBatch?: (tx: Tx, keys: string[], topic: string) => Promise<Ctx> | Ctx;
  /** Applies one decoded event inside the batch's transaction. Throw a non-retriable error to dead-letter it. */
  handle: (tx: Tx, event: unknown, meta: MessageMeta, ctx: Ctx) => Promise<void>;
  /**
   * Applies a whole batch of decoded events at once (set-based SQL instead of a statement per event).
   * When given, the fast path uses it; if it throws a non-retriable error, the batch is applied again
   * message by message through `handle`, so the one that cannot be applied is dead-lettered.
   */
  handleBatch?: (tx: Tx, events: { event: unknown; meta: MessageMeta }[], ctx: Ctx) => Promise<void>;
  /** Runs after the batch's messages inside the same transaction (e.g. to write derived events to the outbox). */
  endBatch?: (tx: Tx, ctx: Ctx) => Promise<void>;
  /** Start a new group from the earliest offset (true: projections rebuild from the log). */
  fromBeginning?: boolean;
  /** How many partitions are applied at the same time. */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** Test hook: runs right after a batch's transaction committed, before anything else. */
  afterCommit?: (info: {
    topic: string;
    partition: number;
    lastOffset: string;
    applied: number;
  }) => Promise<void> | void;
  /** Called for each dead-lettered message (metrics). */
  onDeadLetter?: (info: { topic: string; code: string; reason: string }) => void;
}

export interface ProjectionConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer joined its group and is fetching. */
  isRunning(): boolean;
}

const DLQ_SUFFIX = '.dlq';

function keysOf(messages: KafkaMessage[]): string[] {
  return [...new Set(messages.map((m) => m.key?.toString()).filter((k): k is string => k !== undefined))];
}

/**
 * A consumer whose effects happen exactly once: each batch is applied and its next offset stored in
 * ONE PostgreSQL transaction, and messages below the stored offset are skipped, so a crash at any
 * point resumes without loss or double application. Kafka's own committed offsets are only a hint
 * written after the PostgreSQL commit (they can lag, never lead).
 *
 * A message that cannot be decoded or applied (non-retriable error) is written, with its reason, to
 * `<topic>.dlq` through the outbox in the same transaction, and the partition moves on. A retriable
 * error (database down) rolls the batch back and retries it with backoff.
 */
export function createProjectionConsumer<Ctx = undefined>(options: ProjectionConsumerOptions<Ctx>): ProjectionConsumer {
  const offsetsTable = `${quoteIdent(options.schema)}.consumer_offsets`;
  const codecs = new Map(options.subscriptions.map((s) => [s.topic, s.codec]));
  const offsetGroup = options.offsetGroup ?? options.groupId;
  let consumer: Consumer | undefined;
  let running = false;

  async function storedNextOffset(tx: Tx, topic: string, partition: number): Promise<bigint> {
    await tx.query(
      `INSERT INTO ${offsetsTable} (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING`,
      [offsetGroup, topic, partition],
    );
    // FOR UPDATE serialises a zombie owner of the partition (during a rebalance) behind the new one.
    const { rows } = await tx.query<{ next_offset: number }>(
      `SELECT next_offset FROM ${offsetsTable} WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [offsetGroup, topic, partition],
    );
    return BigInt(rows[0]?.next_offset ?? 0);
  }

  async function storeNextOffset(tx: Tx, topic: string, partition: number, next: bigint): Promise<void> {
    await tx.query(
      `UPDATE ${offsetsTable} SET next_offset = $4, updated_at = now()
       WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [offsetGroup, topic, partition, next.toString()],
    );
  }

  async function deadLetter(tx: Tx, topic: string, partition: number, message: KafkaMessage, error: unknown) {
    const code = (error as { code?: unknown })?.code;
    const reason = describeError(error);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : v.toString();
    }
    Object.assign(headers, {
      'dlq-reason': reason.slice(0, 2000),
      'dlq-code': typeof code === 'string' ? code : 'UNKNOWN',
      'dlq-original-topic': topic,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': message.offset,
      'dlq-consumer-group': options.groupId,
      'dlq-failed-at': new Date().toISOString(),
    });
    await enqueueMessages(tx, options.schema, [
      {
        topic: `${topic}${DLQ_SUFFIX}`,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers,
        eventId: headers['event-id'] ?? null,
      },
    ]);
    options.log.warn(
      { topic, partition, offset: message.offset, code: headers['dlq-code'], reason },
      'message dead-lettered',
    );
    options.onDeadLetter?.({ topic, code: headers['dlq-code'] ?? 'UNKNOWN', reason });
    instruments().deadLetters.add(1, {
      consumer_group: options.groupId,
      topic,
      code: headers['dlq-code'] ?? 'UNKNOWN',
    });
  }

  /** Applies one message under its own span; the span's parent is the producer's context. */
  async function applyOne(tx: Tx, topic: string, partition: number, message: KafkaMessage, ctx: Ctx): Promise<void> {
    const codec = codecs.get(topic);
    const parent = extractTraceContext(message.headers);
    const producerSpan = trace.getSpanContext(parent);
    const links: Link[] = producerSpan ? [{ context: producerSpan }] : [];
    const span = tracer().startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.kafka.destination.partition': partition,
          'messaging.kafka.message.offset': message.offset,
          'messaging.consumer.group.name': options.groupId,
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), async () => {
        if (!codec) throw new Error(`no codec for topic ${topic}`);
        const event = codec.decode(message.value);
        await options.handle(
          tx,
          event,
          {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            timestamp: message.timestamp,
          },
          ctx,
        );
      });
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Fast path: the whole batch in one transaction. Throws if any message fails. */
  async function applyBatch(topic: string, partition: number, messages: KafkaMessage[]): Promise<number> {
    return withTransaction(options.pool, async (tx) => {
      await options.openTransaction?.(tx);
      const next = await storedNextOffset(tx, topic, partition);
      const todo = messages.filter((m) => BigInt(m.offset) >= next);
      if (todo.length === 0) return 0;
      const ctx = (await options.beginBatch?.(tx, keysOf(todo), topic)) as Ctx;
      if (options.handleBatch) await applyAll(tx, topic, partition, todo, ctx, options.handleBatch);
      else for (const m of todo) await applyOne(tx, topic, partition, m, ctx);
      await options.endBatch?.(tx, ctx);
      await storeNextOffset(tx, topic, partition, BigInt(todo.at(-1)!.offset) + 1n);
      return todo.length;
    });
  }

  /**
   * Decodes every message and hands them to `handleBatch` under one span linked to each producer's
   * span (the OpenTelemetry convention for batch processing). A message that does not decode fails
   * the fast path, and the isolating path dead-letters it.
   */
  async function applyAll(
    tx: Tx,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: Ctx,
    handleBatch: NonNullable<ProjectionConsumerOptions<Ctx>['handleBatch']>,
  ): Promise<void> {
    const codec = codecs.get(topic);
    if (!codec) throw new Error(`no codec for topic ${topic}`);
    const links: Link[] = [];
    const events = messages.map((m) => {
      const producerSpan = trace.getSpanContext(extractTraceContext(m.headers));
      if (producerSpan) links.push({ context: producerSpan });
      return {
        event: codec.decode(m.value),
        meta: { topic, partition, offset: m.offset, key: m.key?.toString() ?? null, timestamp: m.timestamp },
      };
    });
    const span = tracer().startSpan(`${topic} process`, {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.kafka.destination.partition': partition,
        'messaging.batch.message_count': messages.length,
        'messaging.consumer.group.name': options.groupId,
      },
    });
    try {
      await context.with(trace.setSpan(context.active(), span), () => handleBatch(tx, events, ctx));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * Slow path after a non-retriable failure: each message under a savepoint, failures dead-lettered.
   * Still one transaction, so the offsets and every surviving effect commit together.
   */
  async function applyIsolating(topic: string, partition: number, messages: KafkaMessage[]): Promise<number> {
    return withTransaction(options.pool, async (tx) => {
      await options.openTransaction?.(tx);
      const next = await storedNextOffset(tx, topic, partition);
      const todo = messages.filter((m) => BigInt(m.offset) >= next);
      if (todo.length === 0) return 0;
      const ctx = (await options.beginBatch?.(tx, keysOf(todo), topic)) as Ctx;
      let applied = 0;
      for (const m of todo) {
        await tx.query('SAVEPOINT restock_msg');
        try {
          await applyOne(tx, topic, partition, m, ctx);
          await tx.query('RELEASE SAVEPOINT restock_msg');
          applied++;
        } catch (error) {
          if (isRetriable(error)) throw error;
          await tx.query('ROLLBACK TO SAVEPOINT restock_msg');
          await deadLetter(tx, topic, partition, m, error);
        }
      }
      await options.endBatch?.(tx, ctx);
      await storeNextOffset(tx, topic, partition, BigInt(todo.at(-1)!.offset) + 1n);
      return applied;
    });
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages;
    if (messages.length === 0) return;
    let attempt = 0;
    let isolate = false;
    for (;;) {
      if (!payload.isRunning() || payload.isStale()) return;
      try {
        const applied = isolate
          ? await applyIsolating(batch.topic, batch.partition, messages)
          : await applyBatch(batch.topic, batch.partition, messages);
        const lastOffset = messages.at(-1)!.offset;
        await options.afterCommit?.({ topic: batch.topic, partition: batch.partition, lastOffset, applied });
        const attributes = { consumer_group: options.groupId, topic: batch.topic, partition: batch.partition };
        instruments().applied.add(messages.length, { consumer_group: options.groupId, topic: batch.topic });
        lags.set(`${options.groupId}:${batch.topic}:${batch.partition}`, {
          attributes,
          lag: Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n)),
        });
        payload.resolveOffset(lastOffset);
        await payload.commitOffsetsIfNecessary().catch((error) => {
          // Only a hint: PostgreSQL holds the truth.
          options.log.debug({ err: error }, 'kafka offset commit failed');
        });
        await payload.heartbeat();
        return;
      } catch (error) {
        if (!isRetriable(error) && !isolate) {
          isolate = true;
          continue;
        }
        attempt++;
        const delay = Math.min(100 * 2 ** attempt, 10_000) * (0.5 + Math.random() / 2); // ms, jittered
        options.log.warn(
          { err: error, topic: batch.topic, partition: batch.partition, attempt, delay },
          'applying a batch failed; retrying',
        );
        await new Promise((r) => setTimeout(r, delay));
        await payload.heartbeat().catch(() => {});
      }
    }
  }

  return {
    async start() {
      consumer = options.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeout ?? 30_000,
        heartbeatInterval: options.heartbeatInterval ?? 3_000,
        allowAutoTopicCreation: false,
        readUncommitted: false,
      });
      consumer.on(consumer.events.CRASH, (e) => {
        options.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      });
      await consumer.connect();
      for (const s of options.subscriptions) {
        await consumer.subscribe({ topic: s.topic, fromBeginning: options.fromBeginning ?? true });
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch,
      });
      running = true;
    },
    async stop() {
      running = false;
      const c = consumer;
      consumer = undefined;
      // disconnect() waits for the batch in progress, leaves the group and closes connections.
      if (c) await c.disconnect();
    },
    isRunning: () => running,
  };
}
