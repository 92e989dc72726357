import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AUTH_KEY_SOURCES, AuthConfig } from '@restock/auth';
import { CommonConfig, loadConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';

const SECOND = 1_000; // ms
const HOUR = 60 * 60 * SECOND; // ms
const SCHEMA_NAME = { pattern: '^[a-z_][a-z0-9_]{0,62}$' };

/** The query service's environment. Every variable but the token key has a default that works against `pnpm start`. */
export const QueryEnv = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: CommonConfig.DATABASE_URL,
  REDIS_URL: CommonConfig.REDIS_URL,
  LOG_LEVEL: CommonConfig.LOG_LEVEL,
  QUERY_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  QUERY_PORT: port(8080),
  /** The query service's own tables (package.json `restock.schema`). */
  QUERY_SCHEMA: Type.String({ default: 'query', ...SCHEMA_NAME }),
  /** Where the inventory projector keeps slots, orders, daily consumption, subscriptions, registrations. */
  QUERY_PROJECTOR_SCHEMA: Type.String({ default: 'projector', ...SCHEMA_NAME }),
  /** Where the reorder-policy service keeps its `decisions` table. */
  QUERY_POLICY_SCHEMA: Type.String({ default: 'reorder_policy', ...SCHEMA_NAME }),
  QUERY_CATALOG_TOPIC: Type.String({ default: Topics.catalog.name, minLength: 1 }),
  QUERY_INVENTORY_TOPIC: Type.String({ default: Topics.inventory.name, minLength: 1 }),
  QUERY_ADJUSTMENTS_TOPIC: Type.String({ default: Topics.adjustments.name, minLength: 1 }),
  QUERY_COMMANDS_TOPIC: Type.String({ default: Topics.commands.name, minLength: 1 }),
  /** Shared by every replica: the catalog.v1 copy is one projection, its offsets kept in PostgreSQL. */
  QUERY_CATALOG_GROUP: Type.String({ default: 'query-catalog', minLength: 1 }),
  /** Each replica reads inventory.v1 in a group of its own: this prefix, then host, pid and a random part. */
  QUERY_LIVE_GROUP_PREFIX: Type.String({ default: 'query-live', minLength: 1 }),
  /** Every Redis key and pub/sub channel of the service starts with it. */
  QUERY_REDIS_PREFIX: Type.String({ default: 'restock:query:', minLength: 1 }),
  ...AuthConfig,
  /** Longest life of a cache entry whose invalidation was lost (ms); inventory.v1 invalidates sooner. */
  QUERY_CACHE_TTL_MS: Type.Integer({ default: 60 * SECOND, minimum: SECOND }),
  /** The burn rate's window: use over the last N days (the DRS guide's "recent period"). */
  QUERY_BURN_WINDOW_DAYS: Type.Integer({ default: 28, minimum: 1, maximum: 365 }),
  /** Less history than this and the model's default daily use stands in. */
  QUERY_BURN_MIN_HISTORY_DAYS: Type.Number({ default: 3, minimum: 0, maximum: 365 }),
  /** Days of cover of a slot whose customer chose none (the DRS guide's 7). */
  QUERY_DEFAULT_DAYS_OF_COVER: Type.Integer({ default: 7, minimum: 1, maximum: 60 }),
  /** ms between heartbeats on an idle event stream (below common proxies' 30-60 s idle timeouts). */
  QUERY_SSE_HEARTBEAT_MS: Type.Integer({ default: 15 * SECOND, minimum: 100 }),
  /** Changes kept per device for reconnects with Last-Event-ID. */
  QUERY_SSE_REPLAY_MAX: Type.Integer({ default: 1_000, minimum: 10 }),
  /** ms a device's replay log outlives its last change. */
  QUERY_SSE_REPLAY_TTL_MS: Type.Integer({ default: 24 * HOUR, minimum: SECOND }),
  /** ms an Idempotency-Key is remembered. */
  QUERY_IDEMPOTENCY_RETENTION_MS: Type.Integer({ default: 24 * HOUR, minimum: SECOND }),
  QUERY_PG_POOL_MAX: Type.Integer({ default: 20, minimum: 2 }),
  QUERY_RETRY_AFTER_SECONDS: Type.Integer({ default: 5, minimum: 1 }),
});
export type QueryEnv = Static<typeof QueryEnv>;

/** Parses the environment once; throws one ConfigError naming every bad variable, the key source included. */
export function loadQueryEnv(env: Record<string, string | undefined>): Readonly<QueryEnv> {
  return loadConfig(QueryEnv, env, { exactlyOne: [AUTH_KEY_SOURCES] });
}

/** The app's settings: what `buildApp` needs, whether from the environment or a test. */
export interface QueryConfig {
  schema: string;
  projectorSchema: string;
  policySchema: string;
  topics: { catalog: string; inventory: string; adjustments: string; commands: string };
  catalogGroup: string;
  /** This replica's own inventory.v1 group. */
  liveGroup: string;
  cacheTtlMs: number;
  burnRate: { windowDays: number; minHistoryDays: number };
  defaultDaysOfCover: number;
  sse: { heartbeatMs: number; replayMax: number; replayTtlMs: number };
  idempotencyRetentionMs: number;
  retryAfterSeconds: number;
}

/** The app's settings from the environment; `replicaId` makes this replica's inventory.v1 group its own. */
export function queryConfigFrom(env: QueryEnv, replicaId = `${hostname()}-${process.pid}`): QueryConfig {
  return {
    schema: env.QUERY_SCHEMA,
    projectorSchema: env.QUERY_PROJECTOR_SCHEMA,
    policySchema: env.QUERY_POLICY_SCHEMA,
    topics: {
      catalog: env.QUERY_CATALOG_TOPIC,
      inventory: env.QUERY_INVENTORY_TOPIC,
      adjustments: env.QUERY_ADJUSTMENTS_TOPIC,
      commands: env.QUERY_COMMANDS_TOPIC,
    },
    catalogGroup: env.QUERY_CATALOG_GROUP,
    liveGroup: `${env.QUERY_LIVE_GROUP_PREFIX}-${replicaId}-${randomBytes(3).toString('hex')}`,
    cacheTtlMs: env.QUERY_CACHE_TTL_MS,
    burnRate: { windowDays: env.QUERY_BURN_WINDOW_DAYS, minHistoryDays: env.QUERY_BURN_MIN_HISTORY_DAYS },
    defaultDaysOfCover: env.QUERY_DEFAULT_DAYS_OF_COVER,
    sse: {
      heartbeatMs: env.QUERY_SSE_HEARTBEAT_MS,
      replayMax: env.QUERY_SSE_REPLAY_MAX,
      replayTtlMs: env.QUERY_SSE_REPLAY_TTL_MS,
    },
    idempotencyRetentionMs: env.QUERY_IDEMPOTENCY_RETENTION_MS,
    retryAfterSeconds: env.QUERY_RETRY_AFTER_SECONDS,
  };
}
