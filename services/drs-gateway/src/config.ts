import { CommonConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { Type } from '@sinclair/typebox';

/**
 * A development key (32 zero-to-31 bytes, base64) so `pnpm start` works on a laptop; main.ts warns
 * when it is in use. Production sets TOKEN_ENCRYPTION_KEY from a secret.
 */
export const DEVELOPMENT_TOKEN_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');

export const GatewayConfig = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  /** Health and metrics. */
  PORT: port(9103),
  HOST: Type.String({ default: '127.0.0.1' }),
  DB_SCHEMA: Type.String({ default: 'drs_gateway', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  GROUP_ID: Type.String({ default: 'drs-gateway', minLength: 1 }),
  TOPIC_COMMANDS: Type.String({ default: Topics.commands.name }),
  TOPIC_INVENTORY: Type.String({ default: Topics.inventory.name }),
  TOPIC_SUBSCRIPTIONS: Type.String({ default: Topics.subscriptions.name }),
  TOPIC_CATALOG: Type.String({ default: Topics.catalog.name }),
  TOPIC_ORDERS: Type.String({ default: Topics.orders.name }),
  TOPIC_OUTCOMES: Type.String({ default: Topics.outcomes.name }),
  /** DRS and LWA; the defaults are the local drs-simulator (real DRS: https://dash-replenishment-service-na.amazon.com, https://api.amazon.com/auth/o2/token). */
  DRS_BASE_URL: Type.String({ default: 'http://127.0.0.1:8090', pattern: '^https?://[^/?#]+$' }),
  LWA_TOKEN_URL: Type.String({ default: 'http://127.0.0.1:8090/auth/o2/token', pattern: '^https?://' }),
  LWA_CLIENT_ID: Type.String({
    default: 'amzn1.application-oa2-client.0000000000000000000000000000local',
    minLength: 1,
  }),
  LWA_CLIENT_SECRET: Type.String({ default: 'restock-local-lwa-client-secret', minLength: 1 }),
  /** AES-256-GCM key of the tokens at rest: 32 bytes, base64. */
  TOKEN_ENCRYPTION_KEY: Type.String({ default: DEVELOPMENT_TOKEN_KEY, pattern: '^[A-Za-z0-9+/]{43}=$' }),
  /** Access tokens are refreshed this long before they expire. */
  TOKEN_REFRESH_AHEAD_SECONDS: Type.Integer({ minimum: 0, default: 300 }), // s
  HTTP_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }), // ms per attempt
  HTTP_RETRIES: Type.Integer({ minimum: 0, maximum: 20, default: 4 }),
  HTTP_RETRY_INITIAL_MS: Type.Integer({ minimum: 1, default: 200 }), // ms
  HTTP_RETRY_MAX_MS: Type.Integer({ minimum: 1, default: 5_000 }), // ms
  /** Consecutive failed attempts to a host that open its circuit, and ms until a probe. */
  BREAKER_THRESHOLD: Type.Integer({ minimum: 1, default: 8 }),
  BREAKER_HALF_OPEN_MS: Type.Integer({ minimum: 10, default: 10_000 }), // ms
  /** A claimed call's budget (all retries included) before it counts as lost and is reconciled. */
  CALL_LEASE_MS: Type.Integer({ minimum: 1000, default: 120_000 }), // ms
  EXECUTOR_INTERVAL_MS: Type.Integer({ minimum: 10, default: 250 }), // ms
  EXECUTOR_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 8 }),
  /** A call waits this long for the device's tokens or catalogue facts before it fails. */
  WAIT_FOR_DEVICE_MS: Type.Integer({ minimum: 0, default: 600_000 }), // ms
  /** A replenish whose answer was lost is repeated (ORDER_INPROGRESS semantics) only within this age. */
  REPLENISH_RECONCILE_MAX_AGE_MS: Type.Integer({ minimum: 0, default: 12 * 3_600_000 }), // ms
  /** Slot statuses: coalescing window per slot, and the longest wait for the inventory state they name. */
  SLOT_STATUS_COALESCE_MS: Type.Integer({ minimum: 0, default: 3_000 }), // ms
  SLOT_STATUS_MAX_WAIT_MS: Type.Integer({ minimum: 0, default: 30_000 }), // ms
  SCHEDULE_INTERVAL_MS: Type.Integer({ minimum: 10, default: 1_000 }), // ms
  DEVICE_STATUS_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 60_000 }), // ms
  SUBSCRIPTION_INFO_DELAY_MS: Type.Integer({ minimum: 0, default: 5_000 }), // ms
  /** Overdue order notifications: no OrderPlaced within, no ItemShipped within, check again every. */
  ORDER_PLACED_OVERDUE_MS: Type.Integer({ minimum: 0, default: 3_600_000 }), // ms
  ORDER_SHIPPED_OVERDUE_MS: Type.Integer({ minimum: 0, default: 48 * 3_600_000 }), // ms
  ORDER_RECHECK_MS: Type.Integer({ minimum: 1000, default: 6 * 3_600_000 }), // ms
  CONSUMER_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  PARTITIONS_CONCURRENTLY: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
});
export type GatewayConfig = typeof GatewayConfig.static;
