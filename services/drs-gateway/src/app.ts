import { createCodec, dlqName, Topics } from '@restock/events';
import { type BusLog, type BusProducer, createOutboxRelay, createProjectionConsumer, type Kafka } from '@restock/kafka';
import type { Pool } from '@restock/postgres';
import type { GatewayConfig } from './config.js';
import { createDrsClient } from './drs/drs-client.js';
import { createHttpClient } from './drs/http-client.js';
import { createTokenCipher } from './drs/token-cipher.js';
import { createCallExecutor } from './handlers/call-executor.js';
import { createGatewayHandler } from './handlers/gateway-handler.js';
import { createSchedules } from './handlers/schedules.js';
import { createGatewayStore } from './store/gateway-store.js';

export interface GatewayDeps {
  pool: Pool;
  kafka: Kafka;
  producer: BusProducer;
  log: BusLog;
  clock: () => Date;
  databaseUrl: string;
}

/**
 * The gateway's moving parts: the consumer that records calls, the executor that makes them, the
 * schedules that add calls of their own, and the relay that publishes outcomes and dead letters.
 */
export function buildGateway(deps: GatewayDeps, config: GatewayConfig) {
  const { pool, log, clock } = deps;
  const store = createGatewayStore(config.DB_SCHEMA);
  const cipher = createTokenCipher(Buffer.from(config.TOKEN_ENCRYPTION_KEY, 'base64'));
  const http = createHttpClient({
    requestTimeoutMs: config.HTTP_TIMEOUT_MS,
    retries: config.HTTP_RETRIES,
    retryInitialDelayMs: config.HTTP_RETRY_INITIAL_MS,
    retryMaxDelayMs: config.HTTP_RETRY_MAX_MS,
    breakerThreshold: config.BREAKER_THRESHOLD,
    breakerHalfOpenAfterMs: config.BREAKER_HALF_OPEN_MS,
    events: {
      retried: (info) => log.info(info, 'DRS request retried'),
      breaker: (info) =>
        info.state === 'open' ? log.warn(info, 'DRS circuit opened') : log.info(info, `DRS circuit ${info.state}`),
    },
  });
  const drs = createDrsClient({
    http,
    pool,
    store,
    cipher,
    drsBaseUrl: config.DRS_BASE_URL,
    lwaTokenUrl: config.LWA_TOKEN_URL,
    lwaClientId: config.LWA_CLIENT_ID,
    lwaClientSecret: config.LWA_CLIENT_SECRET,
    refreshAheadMs: config.TOKEN_REFRESH_AHEAD_SECONDS * 1000,
    clock,
  });
  const executor = createCallExecutor({
    pool,
    store,
    drs,
    cipher,
    log,
    clock,
    outcomesTopic: config.TOPIC_OUTCOMES,
    commandsDlqTopic: dlqName(config.TOPIC_COMMANDS),
    leaseMs: config.CALL_LEASE_MS,
    concurrency: config.EXECUTOR_CONCURRENCY,
    waitForDeviceMs: config.WAIT_FOR_DEVICE_MS,
    breakerWaitMs: config.BREAKER_HALF_OPEN_MS,
    replenishReconcileMaxAgeMs: config.REPLENISH_RECONCILE_MAX_AGE_MS,
    orderPlacedOverdueMs: config.ORDER_PLACED_OVERDUE_MS,
    slotStatusRetryMs: config.SLOT_STATUS_COALESCE_MS,
  });
  const schedules = createSchedules({
    pool,
    store,
    clock,
    slotStatusMaxWaitMs: config.SLOT_STATUS_MAX_WAIT_MS,
    orderShippedOverdueMs: config.ORDER_SHIPPED_OVERDUE_MS,
    orderRecheckMs: config.ORDER_RECHECK_MS,
  });
  const handler = createGatewayHandler({
    store,
    cipher,
    clock,
    slotStatusCoalesceMs: config.SLOT_STATUS_COALESCE_MS,
    subscriptionInfoDelayMs: config.SUBSCRIPTION_INFO_DELAY_MS,
  });
  const consumer = createProjectionConsumer({
    kafka: deps.kafka,
    pool,
    schema: config.DB_SCHEMA,
    groupId: config.GROUP_ID,
    // Facts first, so a command finds what it needs when it can.
    subscriptions: [
      { topic: config.TOPIC_CATALOG, codec: createCodec(Topics.catalog) },
      { topic: config.TOPIC_SUBSCRIPTIONS, codec: createCodec(Topics.subscriptions) },
      { topic: config.TOPIC_INVENTORY, codec: createCodec(Topics.inventory) },
      { topic: config.TOPIC_ORDERS, codec: createCodec(Topics.orders) },
      { topic: config.TOPIC_COMMANDS, codec: createCodec(Topics.commands) },
    ],
    log,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    sessionTimeout: config.CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.max(300, Math.floor(config.CONSUMER_SESSION_TIMEOUT_MS / 10)),
    handle: handler.handle,
  });
  const relay = createOutboxRelay({
    databaseUrl: deps.databaseUrl,
    pool,
    schema: config.DB_SCHEMA,
    producer: deps.producer,
    log,
  });

  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const every = (ms: number, work: () => Promise<unknown>) => {
    let running = false;
    timers.push(
      setInterval(() => {
        if (running || stopped) return;
        running = true;
        work()
          .catch((error) => log.warn({ err: error }, 'gateway round failed'))
          .finally(() => {
            running = false;
          });
      }, ms),
    );
  };

  return {
    store,
    consumer,
    relay,
    executor,
    schedules,
    async start(options: { timers?: boolean } = {}) {
      relay.start();
      await consumer.start();
      if (options.timers === false) return;
      every(config.EXECUTOR_INTERVAL_MS, () => executor.tick());
      every(config.SCHEDULE_INTERVAL_MS, async () => {
        await schedules.slotStatuses();
        await schedules.overdueOrders();
      });
      every(config.DEVICE_STATUS_INTERVAL_MS, () => schedules.deviceStatuses());
    },
    /** Stops taking work, lets a round in flight finish, then publishes what is pending. */
    async stop() {
      stopped = true;
      for (const t of timers.splice(0)) clearInterval(t);
      await consumer.stop();
      await relay.drain().catch(() => 0);
      await relay.stop();
    },
  };
}
