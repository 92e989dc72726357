import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from '@restock/auth';
import { describeError } from '@restock/errors';
import { createHttpApp, type HttpApp, type ReadinessState, registerMetricsRoute } from '@restock/http';
import { type BusProducer, createOutboxRelay, type Kafka, pingKafka } from '@restock/kafka';
import { type Pool, pingPostgres } from '@restock/postgres';
import { pingRedis, type Redis } from '@restock/redis';
import type { Logger } from '@restock/telemetry';
import type { QueryConfig } from './config.js';
import { createCatalogProjection } from './handlers/catalog-projection.js';
import { createInventoryTail } from './handlers/inventory-tail.js';
import { createQueryMetrics } from './metrics.js';
import { rememberingVerifier, requireCustomer } from './routes/authentication.js';
import { registerCommandRoutes } from './routes/command-routes.js';
import { registerDeviceRoutes } from './routes/device-routes.js';
import { registerQueryHealthRoutes } from './routes/health-routes.js';
import { registerOpenApi } from './routes/openapi.js';
import type { QueryContext } from './routes/query-context.js';
import { registerStreamRoute } from './routes/stream-route.js';
import { createChangeHub } from './store/change-hub.js';
import type { ChangeMessage } from './store/change-log.js';
import { createChangeLog } from './store/change-log.js';
import { createCommandStore } from './store/command-store.js';
import { createDeviceReader } from './store/device-reader.js';
import { createStaleKeys } from './store/stale-keys.js';
import { createViewCache, customerScope, deviceScope } from './store/view-cache.js';

/** What the query service runs on; `main.ts` creates each of these, tests their own, and closes them after the app. */
export interface QueryDeps {
  pool: Pool;
  /** The cache, the replay logs and pub/sub; the app opens its own subscriber connection from it. */
  redis: Redis;
  kafka: Kafka;
  /** Publishes what the outbox holds (idempotent, acks=all). */
  producer: BusProducer;
  /** The outbox relay holds a connection of its own for its lock. */
  databaseUrl: string;
  verifier: TokenVerifier;
  logger: Logger;
  clock?: () => Date;
  readiness?: ReadinessState;
  /** The API's version in the OpenAPI document. */
  version?: string;
}

/**
 * Builds the query service without opening a port: the companion app's routes, the OpenAPI document,
 * health and metrics, and the moving parts behind them, which the app owns: started when it is ready
 * (the catalog.v1 projection, this replica's inventory.v1 tail, the outbox relay, the Idempotency-Key
 * pruner) and stopped when it closes. The clients in `deps` belong to the caller.
 */
export async function buildApp(deps: QueryDeps, config: QueryConfig): Promise<HttpApp> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.logger;
  const metrics = createQueryMetrics();
  const app = await createHttpApp({ logger: deps.logger, retryAfterSeconds: config.retryAfterSeconds });

  const staleKeys = createStaleKeys({ redis: deps.redis, log });
  const cache = createViewCache({
    redis: deps.redis,
    staleKeys,
    log,
    ttlMs: config.cacheTtlMs,
    onLookup: (view, outcome) => metrics.cacheLookups.add(1, { view: view.replace(/[:@].*$/, ''), outcome }),
  });
  const changeLog = createChangeLog({
    redis: deps.redis,
    staleKeys,
    maxLength: config.sse.replayMax,
    ttlMs: config.sse.replayTtlMs,
  });
  // Pub/sub needs a connection of its own; the app re-subscribes itself after a reconnect (the client
  // would forget a SUBSCRIBE refused while Redis was down).
  // Named after the replica, so an operator (or a test) can tell its connection apart in CLIENT LIST.
  const subscriber = deps.redis.duplicate({ autoResubscribe: false, connectionName: `${config.liveGroup}-changes` });
  subscriber.on('error', () => {
    // Reported by the readiness check and the cache's own warnings; the client reconnects by itself.
  });
  const hub = createChangeHub({ subscriber, changeLog, log });
  const reader = createDeviceReader(deps.pool, {
    query: config.schema,
    projector: config.projectorSchema,
    policy: config.policySchema,
  });
  const commands = createCommandStore({
    pool: deps.pool,
    schema: config.schema,
    topics: { adjustments: config.topics.adjustments, commands: config.topics.commands },
  });

  const catalog = createCatalogProjection({
    kafka: deps.kafka,
    pool: deps.pool,
    schema: config.schema,
    groupId: config.catalogGroup,
    topic: config.topics.catalog,
    log,
    onCommitted: (touched) =>
      cache.invalidate([...touched.deviceIds.map(deviceScope), ...touched.customerIds.map(customerScope)]),
  });

  /** One batch of inventory.v1: drop the devices' cached views, then fan the changes out to the streams. */
  async function onChanges(changes: ChangeMessage[]): Promise<void> {
    const devices = [...new Set(changes.map((c) => c.event.deviceId))];
    // First the cache, so a client that reacts to an event by reading the device reads the new state.
    await cache.invalidate(devices.map(deviceScope));
    for (const change of changes) {
      const logKey = changeLog.logKey(change.event.deviceId);
      // A log that missed a change while Redis was away must go before anything is appended to it,
      // or a reconnect could replay across the hole.
      if (staleKeys.isStale(logKey)) await staleKeys.drop([logKey]);
      const outcome = staleKeys.isStale(logKey) ? 'unavailable' : await changeLog.append(change);
      metrics.changes.add(1, { outcome });
      if (outcome === 'unavailable') {
        // Redis cannot carry it: this replica's own streams get it directly (every replica reads every
        // change, so every replica's streams do), and the device's log is no longer trusted.
        hub.deliverLocally(change);
        await staleKeys.drop([logKey]);
      }
    }
  }

  const tail = createInventoryTail({
    kafka: deps.kafka,
    topic: config.topics.inventory,
    groupId: config.liveGroup,
    log,
    beforeStart: async () => {
      await cache.flush();
      await changeLog.flush();
    },
    onChanges,
  });
  const relay = createOutboxRelay({
    databaseUrl: deps.databaseUrl,
    pool: deps.pool,
    schema: config.schema,
    producer: deps.producer,
    log,
  });

  const ctx: QueryContext = {
    reader,
    cache,
    commands,
    changeLog,
    hub,
    metrics,
    log,
    clock,
    view: { burnRate: config.burnRate, defaultDaysOfCover: config.defaultDaysOfCover },
    heartbeatMs: config.sse.heartbeatMs,
    retryAfterSeconds: config.retryAfterSeconds,
  };

  await registerOpenApi(app, deps.version ?? '0.1.0');
  registerQueryHealthRoutes(app, {
    required: {
      postgres: () => pingPostgres(deps.pool),
      kafka: () => pingKafka(deps.kafka),
      catalog: async () => {
        if (!catalog.isRunning()) throw new Error('the catalog.v1 projection is not running');
      },
      inventory: async () => {
        if (!tail.isRunning()) throw new Error('the inventory.v1 tail is not running');
      },
    },
    optional: { redis: () => pingRedis(deps.redis) },
    ...(deps.readiness === undefined ? {} : { readiness: deps.readiness }),
  });
  registerMetricsRoute(app);

  app.decorateRequest('principal', null);
  await app.register(async (scope) => {
    const api: HttpApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    api.addHook('onRequest', requireCustomer(rememberingVerifier(deps.verifier, { clock: () => new Date() })));
    registerDeviceRoutes(api, ctx);
    registerCommandRoutes(api, ctx);
    registerStreamRoute(api, ctx);
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.add(1, { route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode });
  });

  let pruner: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    relay.start();
    await catalog.start();
    await tail.start();
    pruner = setInterval(
      () => {
        commands
          .pruneIdempotentRequests(new Date(clock().getTime() - config.idempotencyRetentionMs))
          .catch((error: unknown) => log.warn({ reason: describeError(error) }, 'pruning Idempotency-Keys failed'));
      },
      Math.min(config.idempotencyRetentionMs / 2, 60 * 60 * 1000), // ms
    );
    pruner.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(pruner);
    await tail.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping the inventory tail failed'));
    await catalog.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping the catalog projection failed'));
    // Rows not yet published stay in the outbox; the next start (or another replica) publishes them.
    await relay.stop();
    await hub.stop();
    staleKeys.stop();
    cache.stop();
    changeLog.stop();
  });
  return app;
}
