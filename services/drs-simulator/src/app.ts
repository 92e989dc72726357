import { createHttpApp, type HttpApp, registerHealthRoutes } from '@restock/http';
import { type Pool, pingPostgres } from '@restock/postgres';
import type { Logger } from '@restock/telemetry';
import { subscribeEndpoint } from './actions/sns-subscriptions.js';
import { listOf, type SimulatorConfig } from './config.js';
import { createFaultInjector } from './fault-injector.js';
import { controlRoutes } from './routes/control-routes.js';
import { drsRoutes } from './routes/drs-routes.js';
import { lwaRoutes } from './routes/lwa-routes.js';
import { snsRoutes } from './routes/sns-routes.js';
import { createSimulatedClock } from './simulated-clock.js';
import type { SimulatorContext } from './simulator-context.js';
import { createDispatcher } from './sns/dispatcher.js';
import { createPublisher } from './sns/publisher.js';
import { loadSigningIdentity } from './sns/signing-identity.js';
import { createTicker } from './ticker.js';

/** What the simulator needs from its process. */
export interface SimulatorDeps {
  /** A pool on a database where `migrateSimulator` has run; the caller owns and ends it. */
  pool: Pool;
  log: Logger;
  /** The real clock (LWA expiry, certificate dates); simulated time is derived from it. */
  clock: () => Date;
}

/**
 * Builds the simulator on a fastify app without opening a port: loads (or makes) its signing identity,
 * simulated clock and fault settings from PostgreSQL, mounts LWA, DRS, SNS, control and health routes,
 * subscribes the configured endpoints, and ticks the order life and delivery queue from `onReady` until
 * `close()`.
 */
export async function buildApp(deps: SimulatorDeps, config: SimulatorConfig): Promise<HttpApp> {
  const { pool, log } = deps;
  const clock = await createSimulatedClock({ pool, realClock: deps.clock, scale: config.TIME_SCALE });
  const faults = await createFaultInjector({ pool, defaultSeed: config.FAULT_SEED });
  const identity = await loadSigningIdentity(pool, deps.clock());
  const publisher = createPublisher({
    identity,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    signatureVersion: config.SNS_SIGNATURE_VERSION,
    clock,
    faults,
    log,
  });
  const context: SimulatorContext = {
    pool,
    clock,
    publisher,
    faults,
    log,
    settings: {
      lwaClientId: config.LWA_CLIENT_ID,
      lwaClientSecret: config.LWA_CLIENT_SECRET,
      redirectUris: listOf(config.LWA_REDIRECT_URIS),
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      authorizationCodeTtlSeconds: config.AUTHORIZATION_CODE_TTL_SECONDS,
      notificationVersion: config.NOTIFICATION_VERSION,
      defaultTopicArn: config.SNS_TOPIC_ARN,
      defaultMarketplace: config.DEFAULT_MARKETPLACE,
      orderLife: {
        shipAfterMs: config.SHIP_AFTER_SECONDS * 1000,
        deliveryAfterShippingMs: config.DELIVERY_AFTER_SHIPPING_SECONDS * 1000,
        cancelWindowMs: config.CANCEL_WINDOW_SECONDS * 1000,
        resolutionWindowMs: config.RESOLUTION_WINDOW_SECONDS * 1000,
      },
    },
  };
  const dispatcher = createDispatcher({
    pool,
    clock,
    faults,
    log,
    retries: config.SNS_RETRIES,
    retryDelaySeconds: config.SNS_RETRY_DELAY_SECONDS,
    timeoutMs: config.SNS_DELIVERY_TIMEOUT_MS,
  });
  const ticker = createTicker({ context, dispatcher, intervalMs: config.TICK_INTERVAL_MS, log });

  for (const endpoint of listOf(config.SNS_SUBSCRIBE_ENDPOINTS)) {
    await subscribeEndpoint(context, endpoint, config.SNS_TOPIC_ARN);
  }

  const app = await createHttpApp({ logger: log });
  registerHealthRoutes(app, { checks: { postgres: () => pingPostgres(pool) } });
  await app.register(async (scope) => lwaRoutes(scope, context));
  await app.register(async (scope) => drsRoutes(scope, context));
  await app.register(async (scope) => snsRoutes(scope, context));
  await app.register(async (scope) => controlRoutes(scope, { context, ticker }), { prefix: '/control/v1' });

  app.addHook('onReady', async () => ticker.start());
  app.addHook('onClose', async () => ticker.stop());
  log.info(
    {
      signingCertUrl: `${config.PUBLIC_BASE_URL}/sns/${identity.certName}.pem`,
      topicArn: config.SNS_TOPIC_ARN,
      timeScale: config.TIME_SCALE,
      simulatedNow: clock.now().toISOString(),
    },
    'drs simulator built',
  );
  return app;
}
