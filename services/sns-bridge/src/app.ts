import type { Meter } from '@opentelemetry/api';
import { createCodec, Topics } from '@restock/events';
import {
  createHttpApp,
  type HttpApp,
  type ReadinessState,
  registerHealthRoutes,
  registerMetricsRoute,
} from '@restock/http';
import { type BusProducer, createOutboxRelay, createProjectionConsumer, type Kafka } from '@restock/kafka';
import { type Pool, pingPostgres } from '@restock/postgres';
import type { Redis } from '@restock/redis';
import type { CertificateSource, SnsHostRule } from '@restock/sns';
import type { Logger } from '@restock/telemetry';
import { createPublisher } from './bus/publisher.js';
import { createCatalogHandler } from './handlers/catalog-handler.js';
import { createBridgeMetrics } from './metrics.js';
import { type BridgeTopics, createSnsReceiver } from './routes/sns-receiver.js';
import { registerSnsRoute } from './routes/sns-route.js';
import type { SubscriptionConfirmer } from './sns/subscription-confirmer.js';
import { createCatalogCopyStore } from './store/catalog-copy.js';
import { createDedupWindow } from './store/dedup-window.js';
import { createSnsRecordStore } from './store/sns-records.js';

/** What the bridge is given; `main.ts` makes the real ones, tests their own. */
export interface AppDeps {
  log: Logger;
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  /**
   * Makes a new, unconnected producer for publishing while SNS waits: its retries should be bounded (so a
   * send fails within the request) and the app replaces it after each failed publish.
   */
  newPublishProducer: () => BusProducer;
  /**
   * The unconnected producer of the outbox relay that publishes the catalog consumer's dead letters; it may
   * retry for as long as it takes.
   */
  relayProducer: BusProducer;
  certificateSource: CertificateSource;
  confirmer: SubscriptionConfirmer;
  clock: () => Date;
  /** Where the bridge's counters go; the global meter (set up by the telemetry preload) by default. */
  meter?: Meter;
  /** The process's readiness unless a test passes its own. */
  readiness?: ReadinessState;
}

/** Everything the app is told; no environment is read here. */
export interface AppConfig {
  /** The PostgreSQL schema of the bridge's tables, consumer offsets and outbox. */
  schema: string;
  /** For the outbox relay's dedicated lock connection. */
  databaseUrl: string;
  topics: BridgeTopics & { catalog: string };
  catalogGroupId: string;
  allowedTopicArns: readonly string[];
  certificateHosts: SnsHostRule;
  insecureOrigins: readonly string[];
  dedupWindowSeconds: number;
  publishTimeoutMs: number; // ms
}

const catalogCodec = createCodec(Topics.catalog);

/**
 * Builds the bridge without opening a port: `POST /sns`, the catalog.v1 consumer that keeps the device and
 * slot lookup tables (started when the app is ready, stopped when it closes, with the relay that
 * publishes its dead letters), health, readiness (PostgreSQL, Kafka, catalog consumer) and metrics.
 */
export async function buildApp(deps: AppDeps, config: AppConfig): Promise<HttpApp> {
  const app = await createHttpApp({ logger: deps.log });
  const catalogLog = deps.log.child({ component: 'catalog-copy' });
  const catalog = createCatalogCopyStore(deps.pool, config.schema);

  const consumer = createProjectionConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    schema: config.schema,
    groupId: config.catalogGroupId,
    subscriptions: [{ topic: config.topics.catalog, codec: catalogCodec }],
    log: catalogLog,
    // The copy must hold every model and device there is, so a new group reads the compacted topic whole.
    fromBeginning: true,
    handle: createCatalogHandler({ store: catalog, log: catalogLog }),
  });
  const { relayProducer } = deps;
  const relay = createOutboxRelay({
    databaseUrl: config.databaseUrl,
    pool: deps.pool,
    schema: config.schema,
    producer: relayProducer,
    log: catalogLog,
  });
  const publisher = createPublisher({
    newProducer: deps.newPublishProducer,
    timeoutMs: config.publishTimeoutMs,
    log: deps.log,
  });

  const receiver = createSnsReceiver({
    pool: deps.pool,
    log: deps.log,
    clock: deps.clock,
    certificateSource: deps.certificateSource,
    certificateHosts: config.certificateHosts,
    insecureOrigins: config.insecureOrigins,
    allowedTopicArns: config.allowedTopicArns,
    topics: config.topics,
    catalog,
    records: createSnsRecordStore(deps.pool, config.schema),
    window: createDedupWindow({ redis: deps.redis, windowSeconds: config.dedupWindowSeconds, log: deps.log }),
    publisher,
    confirmer: deps.confirmer,
    metrics: createBridgeMetrics(deps.meter),
  });
  await registerSnsRoute(app, receiver);

  const admin = deps.kafka.admin();
  let adminConnected: Promise<void> | undefined;
  registerHealthRoutes(app, {
    ...(deps.readiness === undefined ? {} : { readiness: deps.readiness }),
    checks: {
      postgres: () => pingPostgres(deps.pool),
      kafka: async () => {
        adminConnected ??= admin.connect().catch((error: unknown) => {
          adminConnected = undefined;
          throw error;
        });
        await adminConnected;
        await admin.describeCluster();
      },
      catalog: async () => {
        if (!consumer.isRunning()) throw new Error('the catalog.v1 consumer is not running');
      },
    },
  });
  registerMetricsRoute(app);

  app.addHook('onReady', async () => {
    await relayProducer.connect();
    relay.start();
    await consumer.start();
  });
  app.addHook('onClose', async () => {
    // Stop taking work first (the consumer), then finish it (relay, producers), then the admin client.
    await consumer.stop();
    await relay.stop();
    await relayProducer.disconnect();
    await publisher.close();
    if (adminConnected !== undefined) await admin.disconnect().catch(() => undefined);
  });
  return app;
}
