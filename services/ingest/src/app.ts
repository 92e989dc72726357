import {
  createHttpApp,
  type HttpApp,
  type ReadinessState,
  registerHealthRoutes,
  registerMetricsRoute,
} from '@restock/http';
import { type BusProducer, type Kafka, pingKafka } from '@restock/kafka';
import { type Pool, pingPostgres } from '@restock/postgres';
import type { Redis } from '@restock/redis';
import type { Logger } from '@restock/telemetry';
import { createIngestMetrics } from './metrics.js';
import { registerReportsRoute } from './routes/reports-route.js';
import { startPruner } from './store/accepted-events.js';
import { createDeviceDirectory } from './store/device-directory.js';

/** What ingest runs on; `main.ts` creates each of these, tests their own. */
export interface IngestDeps {
  pool: Pool;
  /** Rate-limit counters: what can be lost (a Redis outage lets requests through). */
  redis: Redis;
  /** Publishes to consumption.v1 (`createIngestPublisher`). */
  publisher: BusProducer;
  /** For readiness: the cluster answers. */
  kafka: Kafka;
  /** The catalog.v1 projection; readiness requires it running. */
  catalogConsumer: { isRunning(): boolean };
  logger: Logger;
  clock?: () => Date;
  readiness?: ReadinessState;
}

/** Ingest's settings (`ingestConfigFrom` builds them from the environment). */
export interface IngestConfig {
  /** PostgreSQL schema of ingest's tables. */
  schema: string;
  consumptionTopic: string;
  bodyLimitBytes: number;
  /** Requests per device per window. */
  rateLimit: { max: number; windowMs: number };
  maxClockSkewMs: number;
  lookupCacheMs: number;
  publishDeadlineMs: number;
  retryAfterSeconds: number;
  dedupRetentionMs: number;
  pruneIntervalMs: number;
}

/**
 * Builds the ingest HTTP app without opening a port: the device reports route, health, readiness,
 * metrics, and the periodic prune of accepted event ids (started when the app is ready, stopped when
 * it closes). The clients in `deps` belong to the caller, who closes them after the app.
 */
export async function buildApp(deps: IngestDeps, config: IngestConfig): Promise<HttpApp> {
  const clock = deps.clock ?? (() => new Date());
  const app = await createHttpApp({
    logger: deps.logger,
    retryAfterSeconds: config.retryAfterSeconds,
    // Per-route limits only (the reports route keys them by device); Redis trouble must not fail a
    // device's request, so a failed counter lets it through.
    rateLimit: { global: false, redis: deps.redis, skipOnError: true, nameSpace: 'rate:' },
  });
  const metrics = createIngestMetrics();

  registerHealthRoutes(app, {
    checks: {
      postgres: () => pingPostgres(deps.pool),
      kafka: () => pingKafka(deps.kafka),
      catalog: async () => {
        if (!deps.catalogConsumer.isRunning()) throw new Error('the catalog.v1 consumer is not running');
      },
    },
    ...(deps.readiness === undefined ? {} : { readiness: deps.readiness }),
  });
  registerMetricsRoute(app);
  registerReportsRoute(app, {
    pool: deps.pool,
    publisher: deps.publisher,
    directory: createDeviceDirectory({ pool: deps.pool, schema: config.schema, cacheMs: config.lookupCacheMs }),
    metrics,
    log: deps.logger,
    clock,
    schema: config.schema,
    consumptionTopic: config.consumptionTopic,
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimit: config.rateLimit,
    maxClockSkewMs: config.maxClockSkewMs,
    publishDeadlineMs: config.publishDeadlineMs,
    retryAfterSeconds: config.retryAfterSeconds,
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.add(1, { route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode });
  });

  let pruner: { stop(): Promise<void> } | undefined;
  app.addHook('onReady', async () => {
    pruner = startPruner({
      pool: deps.pool,
      schema: config.schema,
      retentionMs: config.dedupRetentionMs,
      intervalMs: config.pruneIntervalMs,
      clock,
      log: deps.logger,
    });
  });
  app.addHook('onClose', async () => {
    await pruner?.stop();
  });
  return app;
}
