import { CommonConfig, loadConfig, port } from '@restock/config';
import { Topics } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';
import type { IngestConfig } from './app.js';

const HOUR = 60 * 60 * 1000; // ms

/** Ingest's environment. Every variable has a default that works against `npm start`. */
export const IngestEnv = Type.Object({
  ...CommonConfig,
  INGEST_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  INGEST_PORT: port(8081),
  /** PostgreSQL schema of ingest's tables. */
  INGEST_SCHEMA: Type.String({ default: 'ingest', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  INGEST_CONSUMPTION_TOPIC: Type.String({ default: Topics.consumption.name, minLength: 1 }),
  INGEST_CATALOG_TOPIC: Type.String({ default: Topics.catalog.name, minLength: 1 }),
  INGEST_CATALOG_GROUP: Type.String({ default: 'ingest-catalog', minLength: 1 }),
  /** Requests one device may make per window. */
  INGEST_RATE_LIMIT_MAX: Type.Integer({ default: 120, minimum: 1 }),
  INGEST_RATE_LIMIT_WINDOW_MS: Type.Integer({ default: 60_000, minimum: 1_000 }),
  /** 500 reports of about 300 bytes each, with room for pretty-printed JSON. */
  INGEST_BODY_LIMIT_BYTES: Type.Integer({ default: 512 * 1024, minimum: 1_024 }),
  /** How far a device's clock may run ahead of ours. */
  INGEST_MAX_CLOCK_SKEW_MS: Type.Integer({ default: 5 * 60_000, minimum: 0 }),
  /** How long a credential or model lookup is reused on the hot path. */
  INGEST_LOOKUP_CACHE_MS: Type.Integer({ default: 1_000, minimum: 0 }),
  /** Longest wait for Kafka's acknowledgement before answering 503. */
  INGEST_PUBLISH_DEADLINE_MS: Type.Integer({ default: 8_000, minimum: 100 }),
  INGEST_RETRY_AFTER_SECONDS: Type.Integer({ default: 5, minimum: 1 }),
  /** How long accepted event ids are remembered for de-duplication. */
  INGEST_DEDUP_RETENTION_MS: Type.Integer({ default: 7 * 24 * HOUR, minimum: HOUR }),
  INGEST_PRUNE_INTERVAL_MS: Type.Integer({ default: HOUR, minimum: 1_000 }),
  INGEST_PG_POOL_MAX: Type.Integer({ default: 20, minimum: 2 }),
});
export type IngestEnv = Static<typeof IngestEnv>;

/** Reads and checks the environment once; throws one error naming every bad variable. */
export function loadIngestEnv(env?: Record<string, string | undefined>): Readonly<IngestEnv> {
  return loadConfig(IngestEnv, env);
}

/** The app's settings from the environment. */
export function ingestConfigFrom(env: IngestEnv): IngestConfig {
  return {
    schema: env.INGEST_SCHEMA,
    consumptionTopic: env.INGEST_CONSUMPTION_TOPIC,
    bodyLimitBytes: env.INGEST_BODY_LIMIT_BYTES,
    rateLimit: { max: env.INGEST_RATE_LIMIT_MAX, windowMs: env.INGEST_RATE_LIMIT_WINDOW_MS },
    maxClockSkewMs: env.INGEST_MAX_CLOCK_SKEW_MS,
    lookupCacheMs: env.INGEST_LOOKUP_CACHE_MS,
    publishDeadlineMs: env.INGEST_PUBLISH_DEADLINE_MS,
    retryAfterSeconds: env.INGEST_RETRY_AFTER_SECONDS,
    dedupRetentionMs: env.INGEST_DEDUP_RETENTION_MS,
    pruneIntervalMs: env.INGEST_PRUNE_INTERVAL_MS,
  };
}
