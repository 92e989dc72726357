import { randomBytes, randomUUID } from 'node:crypto';
import type { TokenVerifier } from '@restock/auth';
import { newEventId } from '@restock/events';
import {
  createHttpApp,
  type HttpApp,
  type ReadinessState,
  registerHealthRoutes,
  registerMetricsRoute,
} from '@restock/http';
import { type Kafka, pingKafka } from '@restock/kafka';
import { type Pool, pingPostgres } from '@restock/postgres';
import type { Logger } from '@restock/telemetry';
import { requireCustomer, requireOperator } from './routes/authentication.js';
import type { CatalogContext } from './routes/catalog-context.js';
import { registerClaimRoutes } from './routes/claim-routes.js';
import { registerDeviceRoutes } from './routes/device-routes.js';
import { registerModelImageRoutes } from './routes/model-image-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { createCatalogOutbox } from './store/catalog-outbox.js';
import { createDeviceStore } from './store/device-store.js';
import { createModelStore } from './store/model-store.js';

export interface CatalogDeps {
  pool: Pool;
  /** Only for readiness: the routes never publish themselves, the outbox relay does. */
  kafka: Kafka;
  logger: Logger;
  verifier: TokenVerifier;
  clock?: () => Date;
  /** The process's readiness unless a test brings its own. */
  readiness?: ReadinessState;
}

export interface CatalogAppConfig {
  /** The PostgreSQL schema of the catalogue's tables and outbox, migrated before the app is built. */
  schema: string;
  /** `catalog.v1`, or the suffixed name of a test's topic. */
  catalogTopic: string;
}

/** The `source` of every event the catalogue writes. */
export const EVENT_SOURCE = 'catalog';

/**
 * The admin API (operators: device models and devices, under /admin/v1), the claim of a device by a
 * customer (/v1/claims), health and metrics. Reads no environment and opens no port.
 */
export async function buildApp(deps: CatalogDeps, config: CatalogAppConfig): Promise<HttpApp> {
  const app = await createHttpApp({ logger: deps.logger });
  app.decorateRequest('principal', null);

  const ctx: CatalogContext = {
    pool: deps.pool,
    models: createModelStore(config.schema),
    devices: createDeviceStore(config.schema),
    outbox: createCatalogOutbox(config.schema, config.catalogTopic),
    clock: deps.clock ?? (() => new Date()),
    source: EVENT_SOURCE,
    // Random ids: a model deleted and created again starts its content afresh, and an event id must
    // never repeat for a different fact. The outbox republishes a row under the id it was written with.
    newEventId,
    newReplenishmentId: randomUUID,
    newDeviceId: () => `dev_${randomBytes(10).toString('hex')}`,
  };

  registerHealthRoutes(app, {
    checks: { postgres: () => pingPostgres(deps.pool), kafka: () => pingKafka(deps.kafka) },
    ...(deps.readiness === undefined ? {} : { readiness: deps.readiness }),
  });
  registerMetricsRoute(app);

  await app.register(async (admin) => {
    admin.addHook('onRequest', requireOperator(deps.verifier));
    registerModelRoutes(admin, ctx);
    registerDeviceRoutes(admin, ctx);
    await admin.register(async (images) => registerModelImageRoutes(images, ctx));
  });
  await app.register(async (customers) => {
    customers.addHook('onRequest', requireCustomer(deps.verifier));
    registerClaimRoutes(customers, ctx);
  });
  return app;
}
