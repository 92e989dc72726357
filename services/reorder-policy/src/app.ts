import { createCodec, Topics } from '@restock/events';
import { type BusLog, type BusProducer, createOutboxRelay, createProjectionConsumer, type Kafka } from '@restock/kafka';
import { type PolicySettings, parseMarketplaceDays, policySettings } from '@restock/policy';
import type { Pool } from '@restock/postgres';
import type { PolicyServiceConfig } from './config.js';
import { createPolicyHandler } from './handlers/policy-handler.js';
import { createPolicyStore } from './store/policy-store.js';

export interface PolicyServiceDeps {
  pool: Pool;
  kafka: Kafka;
  producer: BusProducer;
  log: BusLog;
  clock: () => Date;
  databaseUrl: string;
}

/** The policy's settings from configuration. */
export function settingsFrom(config: PolicyServiceConfig): PolicySettings {
  return policySettings({
    rule: config.POLICY_RULE,
    windowDays: config.POLICY_WINDOW_DAYS,
    defaultDaysOfCover: config.DAYS_OF_COVER,
    daysOfCoverByMarketplace: parseMarketplaceDays(config.MARKETPLACE_DAYS_OF_COVER),
    leadTimeDaysByMarketplace: parseMarketplaceDays(config.MARKETPLACE_LEAD_TIME_DAYS),
    defaultLeadTimeDays: config.DEFAULT_LEAD_TIME_DAYS,
    serviceLevelZ: config.SERVICE_LEVEL_Z,
    cancellationCoolDownDays: config.CANCELLATION_COOL_DOWN_DAYS,
    failedRequestRetryHours: config.FAILED_REQUEST_RETRY_HOURS,
  });
}

/** The service's moving parts: the consumer (state, decisions and outbox in one transaction) and the relay. */
export function buildPolicyService(deps: PolicyServiceDeps, config: PolicyServiceConfig) {
  const store = createPolicyStore(config.DB_SCHEMA);
  const handler = createPolicyHandler({
    store,
    settings: settingsFrom(config),
    defaultMarketplace: config.DEFAULT_MARKETPLACE,
    commandsTopic: config.TOPIC_COMMANDS,
    clock: deps.clock,
  });
  const consumer = createProjectionConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    schema: config.DB_SCHEMA,
    groupId: config.GROUP_ID,
    // The catalogue first: it names the models' default use and the devices' marketplaces.
    subscriptions: [
      { topic: config.TOPIC_CATALOG, codec: createCodec(Topics.catalog) },
      { topic: config.TOPIC_CONSUMPTION, codec: createCodec(Topics.consumption) },
      { topic: config.TOPIC_ORDERS, codec: createCodec(Topics.orders) },
      { topic: config.TOPIC_SUBSCRIPTIONS, codec: createCodec(Topics.subscriptions) },
      { topic: config.TOPIC_OUTCOMES, codec: createCodec(Topics.outcomes) },
      { topic: config.TOPIC_ADJUSTMENTS, codec: createCodec(Topics.adjustments) },
      { topic: config.TOPIC_INVENTORY, codec: createCodec(Topics.inventory) },
    ],
    log: deps.log,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    sessionTimeout: config.CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.max(300, Math.floor(config.CONSUMER_SESSION_TIMEOUT_MS / 10)),
    beginBatch: handler.beginBatch,
    handle: handler.handle,
    endBatch: handler.endBatch,
  });
  const relay = createOutboxRelay({
    databaseUrl: deps.databaseUrl,
    pool: deps.pool,
    schema: config.DB_SCHEMA,
    producer: deps.producer,
    log: deps.log,
  });
  return {
    store,
    consumer,
    relay,
    async start() {
      relay.start();
      await consumer.start();
    },
    /** Stops taking work first, then lets the relay publish what is pending. */
    async stop() {
      await consumer.stop();
      await relay.drain().catch(() => 0);
      await relay.stop();
    },
  };
}
