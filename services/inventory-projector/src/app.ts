import { createCodec, Topics } from '@restock/events';
import { type BusLog, type BusProducer, createOutboxRelay, createProjectionConsumer, type Kafka } from '@restock/kafka';
import type { Pool, Tx } from '@restock/postgres';
import type { ProjectorConfig } from './config.js';
import { createDeliveryScheduler } from './handlers/delivery-scheduler.js';
import { createInventoryHandler } from './handlers/inventory-handler.js';
import { createInventoryStore } from './store/inventory-store.js';

export interface ProjectorDeps {
  pool: Pool;
  kafka: Kafka;
  producer: BusProducer;
  log: BusLog;
  clock: () => Date;
  databaseUrl: string;
}

type TopicConfig = Pick<
  ProjectorConfig,
  | 'TOPIC_CATALOG'
  | 'TOPIC_CONSUMPTION'
  | 'TOPIC_ORDERS'
  | 'TOPIC_SUBSCRIPTIONS'
  | 'TOPIC_ADJUSTMENTS'
  | 'TOPIC_INVENTORY'
>;

/** The topics the projector reads, each with its codec. The catalogue comes first: it names the slots. */
export function projectorSubscriptions(config: TopicConfig) {
  return [
    { topic: config.TOPIC_CATALOG, codec: createCodec(Topics.catalog) },
    { topic: config.TOPIC_CONSUMPTION, codec: createCodec(Topics.consumption) },
    { topic: config.TOPIC_ORDERS, codec: createCodec(Topics.orders) },
    { topic: config.TOPIC_SUBSCRIPTIONS, codec: createCodec(Topics.subscriptions) },
    { topic: config.TOPIC_ADJUSTMENTS, codec: createCodec(Topics.adjustments) },
  ];
}

/**
 * The lock a projection swap takes exclusively (rebuild): every live batch holds it shared for its
 * transaction, so a swap never happens in the middle of a batch.
 */
export function swapLockKey(schema: string): number {
  let h = 0;
  for (const c of `projection-swap:${schema}`) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

export async function takeSwapLockShared(tx: Tx, schema: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [swapLockKey(schema)]);
}

/** The projector's moving parts: the consumer, the outbox relay and the delivery scheduler. */
export function buildProjector(deps: ProjectorDeps, config: ProjectorConfig & { emitChanges?: boolean }) {
  const store = createInventoryStore(config.DB_SCHEMA);
  const handler = createInventoryHandler({
    store,
    emitChanges: config.emitChanges ?? true,
    inventoryTopic: config.TOPIC_INVENTORY,
    clock: deps.clock,
  });
  const consumer = createProjectionConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    schema: config.DB_SCHEMA,
    groupId: config.GROUP_ID,
    subscriptions: projectorSubscriptions(config),
    log: deps.log,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    sessionTimeout: config.CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.max(300, Math.floor(config.CONSUMER_SESSION_TIMEOUT_MS / 10)),
    openTransaction: (tx) => takeSwapLockShared(tx, config.DB_SCHEMA),
    beginBatch: (tx, keys, topic) => handler.beginBatch(tx, keys, topic === config.TOPIC_CATALOG),
    handle: handler.handle,
    handleBatch: handler.handleBatch,
    endBatch: handler.endBatch,
  });
  const relay = createOutboxRelay({
    databaseUrl: deps.databaseUrl,
    pool: deps.pool,
    schema: config.DB_SCHEMA,
    producer: deps.producer,
    log: deps.log,
  });
  const scheduler = createDeliveryScheduler({
    pool: deps.pool,
    schema: config.DB_SCHEMA,
    ordersTopic: config.TOPIC_ORDERS,
    clock: deps.clock,
    log: deps.log,
    interval: config.DELIVERY_INTERVAL_MS,
  });
  return {
    store,
    handler,
    consumer,
    relay,
    scheduler,
    async start() {
      relay.start();
      await consumer.start();
      scheduler.start();
    },
    /** Stops taking work first, then lets the relay publish what is pending. */
    async stop() {
      await scheduler.stop();
      await consumer.stop();
      await relay.drain().catch(() => 0);
      await relay.stop();
    },
  };
}
