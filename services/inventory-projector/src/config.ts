import { CommonConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { Type } from '@sinclair/typebox';

export const ProjectorConfig = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  /** Health and metrics. */
  PORT: port(9101),
  HOST: Type.String({ default: '127.0.0.1' }),
  DB_SCHEMA: Type.String({ default: 'projector', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  GROUP_ID: Type.String({ default: 'inventory-projector', minLength: 1 }),
  /** Topic names; overridable so tests and rebuilds can point elsewhere. */
  TOPIC_CATALOG: Type.String({ default: Topics.catalog.name }),
  TOPIC_CONSUMPTION: Type.String({ default: Topics.consumption.name }),
  TOPIC_ORDERS: Type.String({ default: Topics.orders.name }),
  TOPIC_SUBSCRIPTIONS: Type.String({ default: Topics.subscriptions.name }),
  TOPIC_ADJUSTMENTS: Type.String({ default: Topics.adjustments.name }),
  TOPIC_INVENTORY: Type.String({ default: Topics.inventory.name }),
  /** ms between looks for shipments whose delivery date has come. */
  DELIVERY_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  /** ms without heartbeats before Kafka gives a dead projector's partitions to another one. */
  CONSUMER_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  PARTITIONS_CONCURRENTLY: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
});
export type ProjectorConfig = typeof ProjectorConfig.static;
