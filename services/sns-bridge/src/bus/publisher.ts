import { describeError, RestockError } from '@restock/errors';
import type { TopicCodec } from '@restock/events';
import type { BusProducer, OutgoingMessage } from '@restock/kafka';
import type { Static, TSchema } from '@sinclair/typebox';
import { BridgeErrorCode } from '../domain/bridge-error.js';

/**
 * Publishes for a request that must answer within SNS's patience: each publish resolves once Kafka
 * acknowledged it, or rejects within `timeoutMs` with a retriable `BRG_BUS_UNAVAILABLE` (503) so that the
 * caller rolls back and SNS delivers again.
 */
export interface Publisher {
  publish<E extends readonly TSchema[]>(
    codec: TopicCodec<E>,
    events: Static<E[number]>[],
    topic: string,
  ): Promise<void>;
  sendMessages(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface PublisherOptions {
  /** Makes a fresh (not yet connected) producer. */
  newProducer: () => BusProducer;
  /** Budget of one publish, connecting included. */
  timeoutMs: number; // ms
  log: { warn(obj: object, msg?: string): void };
}

interface Generation {
  producer: BusProducer;
  connected: Promise<void>;
}

/**
 * Holds one producer and replaces it after any failed or timed-out publish. A send may go on retrying
 * longer than SNS waits for the answer, and an idempotent producer whose send failed must not be reused:
 * it would reuse the failed send's sequence numbers, and if the broker had written that batch, the next
 * one would be taken for its duplicate. A new producer (new producer id) starts clean; the abandoned one
 * is disconnected in the background. A publish that was abandoned but lands anyway is harmless: the
 * retried delivery publishes the same event id, which readers de-duplicate on.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  let current: Generation | undefined;
  let closed = false;

  function generation(): Generation {
    if (current === undefined) {
      const producer = options.newProducer();
      const connected = producer.connect();
      // Observed here so that a connect failing while nobody awaits it is not an unhandled rejection.
      connected.catch(() => undefined);
      current = { producer, connected };
    }
    return current;
  }

  function retire(failed: Generation, error: unknown): void {
    if (current !== failed) return;
    current = undefined;
    options.log.warn({ reason: describeError(error) }, 'Kafka publish failed; replacing the producer');
    // After its connect settles: a producer that connects only now must not stay connected, unused.
    void failed.connected.then(() => failed.producer.disconnect()).catch(() => undefined);
  }

  async function withDeadline(send: (producer: BusProducer) => Promise<void>): Promise<void> {
    if (closed) throw unavailable('the publisher is closed');
    const gen = generation();
    let timer: NodeJS.Timeout | undefined;
    const attempt = (async () => {
      await gen.connected;
      await send(gen.producer);
    })();
    attempt.catch(() => undefined);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(`Kafka did not acknowledge within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    try {
      await Promise.race([attempt, deadline]);
    } catch (error) {
      retire(gen, error);
      if (error instanceof RestockError && error.code === BridgeErrorCode.BRG_BUS_UNAVAILABLE) throw error;
      throw unavailable(`Kafka did not acknowledge: ${describeError(error)}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    publish(codec, events, topic) {
      return withDeadline((producer) => producer.publish(codec, events, topic));
    },
    sendMessages(messages) {
      return withDeadline((producer) => producer.sendMessages(messages));
    },
    async close() {
      closed = true;
      const gen = current;
      current = undefined;
      if (gen === undefined) return;
      await gen.connected.catch(() => undefined);
      await gen.producer.disconnect();
    },
  };
}

function unavailable(reason: string, cause?: unknown): RestockError {
  // The reason names brokers and topics, which are for the log; the client reads the code and the status.
  return new RestockError(BridgeErrorCode.BRG_BUS_UNAVAILABLE, reason, { cause, retriable: true });
}
