import type { Pool } from '@restock/postgres';
import type { EventStamp } from '../domain/catalog-events.js';
import type { CatalogOutbox } from '../store/catalog-outbox.js';
import type { DeviceStore } from '../store/device-store.js';
import type { ModelStore } from '../store/model-store.js';

/** What the routes work with: the stores, the outbox, and the sources of time and ids. */
export interface CatalogContext {
  pool: Pool;
  models: ModelStore;
  devices: DeviceStore;
  outbox: CatalogOutbox;
  clock: () => Date;
  /** The `source` of every event this service writes. */
  source: string;
  newEventId: () => string;
  newReplenishmentId: () => string;
  newDeviceId: () => string;
}

/** The envelope fields of one event written now. */
export function stampOf(ctx: CatalogContext, now: Date): EventStamp {
  return { id: ctx.newEventId(), now, source: ctx.source };
}
