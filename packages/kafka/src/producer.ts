import type { TopicCodec } from '@restock/events';
import { injectTraceHeaders } from '@restock/telemetry';
import type { Static, TSchema } from '@sinclair/typebox';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { busError } from './errors.js';
import type { BusLog } from './log.js';

/** A message ready for the wire. */
export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface BusProducer {
  connect(): Promise<void>;
  /**
   * Validates and publishes events to one topic; resolves only once every in-sync replica
   * acknowledged them (acks=all, idempotent producer). Rejects with a RestockError whose
   * `retriable` says whether to try again.
   */
  publish<E extends readonly TSchema[]>(
    codec: TopicCodec<E>,
    events: Static<E[number]>[],
    topic?: string,
  ): Promise<void>;
  /** Publishes pre-encoded messages (outbox relay, DLQ), in order, in one request where possible. */
  sendMessages(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ProducerOptions {
  log: BusLog;
  /** ms the broker may take to acknowledge before the send fails. */
  ackTimeout?: number;
  /**
   * kafkajs's retries of one send, over the client's own (`createKafka`'s `retries`), which apply when
   * absent. A caller that must answer within seconds (ingest's 503) keeps them short. After a send
   * that failed for good, replace the producer: kafkajs reuses the failed send's sequence numbers, and
   * if the broker had in fact written it, the next batch would be taken for a duplicate.
   */
  retry?: { retries: number; initialRetryTime?: number; maxRetryTime?: number };
}

/** The Kafka key of an event: its device, or the key a non-device event names. */
export function eventKey(event: { deviceId?: string; key?: string }): string | null {
  return event.deviceId ?? event.key ?? null;
}

/** Headers every published event carries: its id and type for readers that do not decode, and the trace. */
export function eventHeaders(event: { id: string; type: string; version: number }): Record<string, string> {
  return {
    'event-id': event.id,
    'event-type': `${event.type}@${event.version}`,
    ...injectTraceHeaders({}),
  };
}

export function createProducer(kafka: Kafka, options: ProducerOptions): BusProducer {
  const producer: Producer = kafka.producer({
    idempotent: true,
    // An idempotent producer keeps per-partition order only with one request in flight in kafkajs.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const ackTimeout = options.ackTimeout ?? 10_000;
  let connected = false;

  async function sendMessages(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, { key: string | null; value: Buffer | null; headers: Record<string, string> }[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) {
        list = [];
        byTopic.set(m.topic, list);
      }
      list.push({ key: m.key, value: m.value, headers: m.headers });
    }
    try {
      await producer.sendBatch({
        acks: -1,
        timeout: ackTimeout,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    } catch (error) {
      throw busError(error, `publishing ${messages.length} message(s) to ${[...byTopic.keys()].join(', ')} failed`);
    }
  }

  return {
    async connect() {
      try {
        await producer.connect();
        connected = true;
      } catch (error) {
        throw busError(error, 'connecting the producer failed');
      }
    },
    async publish(codec, events, topic = codec.topic.name) {
      const messages = events.map((event) => {
        const e = event as { id: string; type: string; version: number; deviceId?: string; key?: string };
        return { topic, key: eventKey(e), value: codec.encode(event), headers: eventHeaders(e) };
      });
      await sendMessages(messages);
    },
    sendMessages,
    async disconnect() {
      if (!connected) return;
      connected = false;
      await producer.disconnect().catch((error) => options.log.warn({ err: error }, 'producer disconnect failed'));
    },
  };
}
