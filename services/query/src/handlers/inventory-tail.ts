import { describeError } from '@restock/errors';
import { createCodec, type InventoryChanged, Topics } from '@restock/events';
import { type BusLog, type Kafka, topicEndOffsets } from '@restock/kafka';
import { streamIdOfOffset } from '../domain/stream-id.js';
import type { ChangeMessage } from '../store/change-log.js';

const inventoryCodec = createCodec(Topics.inventory);
const JOIN_TIMEOUT_MS = 60_000;

export interface InventoryTailOptions {
  kafka: Kafka;
  /** inventory.v1, or its suffixed name in tests. */
  topic: string;
  /** This replica's own group: every replica sees every change. */
  groupId: string;
  log: BusLog;
  /**
   * Runs once the end offsets are known and before reading starts from them: whatever was derived
   * from earlier changes (caches, replay logs) may have missed some while nobody listened.
   */
  beforeStart: () => Promise<void>;
  /** The changes of one batch in log order. Must not throw: it is the replica's own view, not a projection. */
  onChanges: (changes: ChangeMessage[]) => Promise<void>;
}

export interface InventoryTail {
  start(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

/**
 * Follows inventory.v1 live, from where it ends when the replica starts: not a projection (nothing
 * is stored, no offsets are kept), but the signal that drops cached views and feeds the event streams.
 * The group is the replica's own, so each replica sees every change and can serve any client; where
 * it starts is pinned to the end offsets read before `beforeStart`, so no change falls between the two.
 */
export function createInventoryTail(options: InventoryTailOptions): InventoryTail {
  let consumer: ReturnType<Kafka['consumer']> | undefined;
  let running = false;

  return {
    async start() {
      const ends = await topicEndOffsets(options.kafka, [options.topic]);
      await options.beforeStart();
      const c = options.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: 10_000, // ms: a replica's own group has no one to hand partitions to
        heartbeatInterval: 1_000, // ms
        allowAutoTopicCreation: false,
        // A change must reach the streams within a second: do not let the broker hold an empty fetch long.
        maxWaitTimeInMs: 250,
      });
      consumer = c;
      c.on(c.events.CRASH, (e) => {
        options.log.error({ err: e.payload.error, restart: e.payload.restart }, 'inventory tail crashed');
      });
      // Running means reading: until the group is joined, changes would reach no stream and drop no cache.
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the inventory tail did not join its group in time')),
          JOIN_TIMEOUT_MS,
        );
        c.on(c.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      // Awaited below; marked handled here so a failure before that point is not reported as unhandled.
      joined.catch(() => undefined);
      await c.connect();
      await c.subscribe({ topic: options.topic, fromBeginning: false });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat }) => {
          const changes: ChangeMessage[] = [];
          for (const message of batch.messages) {
            try {
              const event = inventoryCodec.decode(message.value) as InventoryChanged;
              changes.push({ id: streamIdOfOffset(message.offset), event });
            } catch (error) {
              // The projector's consumers dead-letter what they cannot read; this view just skips it.
              options.log.warn(
                {
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: message.offset,
                  reason: describeError(error),
                },
                'unreadable inventory change skipped',
              );
            }
          }
          if (changes.length > 0) await options.onChanges(changes);
          await heartbeat();
        },
      });
      for (const end of ends) c.seek({ topic: end.topic, partition: end.partition, offset: String(end.end) });
      await joined;
      running = true;
    },
    async stop() {
      running = false;
      const c = consumer;
      consumer = undefined;
      if (c) await c.disconnect();
    },
    isRunning: () => running,
  };
}
