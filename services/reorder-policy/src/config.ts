import { CommonConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { Type } from '@sinclair/typebox';

const MarketplaceDays = Type.String({ default: '', pattern: '^(\\s*[A-Za-z]{2}\\s*=\\s*\\d+(\\.\\d+)?\\s*(,|$))*$' });

export const PolicyServiceConfig = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  /** Health and metrics. */
  PORT: port(9102),
  HOST: Type.String({ default: '127.0.0.1' }),
  DB_SCHEMA: Type.String({ default: 'reorder_policy', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  GROUP_ID: Type.String({ default: 'reorder-policy', minLength: 1 }),
  /** Topic names; overridable so tests can point elsewhere. */
  TOPIC_CATALOG: Type.String({ default: Topics.catalog.name }),
  TOPIC_CONSUMPTION: Type.String({ default: Topics.consumption.name }),
  TOPIC_ORDERS: Type.String({ default: Topics.orders.name }),
  TOPIC_SUBSCRIPTIONS: Type.String({ default: Topics.subscriptions.name }),
  TOPIC_INVENTORY: Type.String({ default: Topics.inventory.name }),
  TOPIC_OUTCOMES: Type.String({ default: Topics.outcomes.name }),
  /** The customer's days of cover per slot (SlotPreferencesChanged). */
  TOPIC_ADJUSTMENTS: Type.String({ default: Topics.adjustments.name }),
  TOPIC_COMMANDS: Type.String({ default: Topics.commands.name }),
  /** `adaptive` (default) or the DRS guide's rule, `guide`. */
  POLICY_RULE: Type.Union([Type.Literal('adaptive'), Type.Literal('guide')], { default: 'adaptive' }),
  /** Days of history the burn rate looks at. */
  POLICY_WINDOW_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 28 }),
  /** Guide rule: days of cover without a customer preference (the guide: 7), and per marketplace (`UK=5,DE=5`). */
  DAYS_OF_COVER: Type.Number({ exclusiveMinimum: 0, default: 7 }),
  MARKETPLACE_DAYS_OF_COVER: MarketplaceDays,
  /** Adaptive rule: order-to-door days per marketplace (`US=6,UK=3`), and for the others. */
  MARKETPLACE_LEAD_TIME_DAYS: MarketplaceDays,
  DEFAULT_LEAD_TIME_DAYS: Type.Number({ exclusiveMinimum: 0, default: 6 }),
  /** Adaptive rule: z of the safety stock (1.65: a run-out 1 time in 20 over the lead time). */
  SERVICE_LEVEL_Z: Type.Number({ minimum: 0, maximum: 5, default: 1.65 }),
  CANCELLATION_COOL_DOWN_DAYS: Type.Number({ minimum: 0, default: 3 }),
  FAILED_REQUEST_RETRY_HOURS: Type.Number({ minimum: 0, default: 6 }),
  /** Marketplace of a device the catalogue has not described yet. */
  DEFAULT_MARKETPLACE: Type.String({ default: 'US', pattern: '^[A-Z]{2}$' }),
  /** ms without heartbeats before Kafka gives a dead instance's partitions to another one. */
  CONSUMER_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  PARTITIONS_CONCURRENTLY: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
});
export type PolicyServiceConfig = typeof PolicyServiceConfig.static;
