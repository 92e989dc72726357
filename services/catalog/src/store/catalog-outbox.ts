import { createCodec, Topics } from '@restock/events';
import { enqueueEvents } from '@restock/kafka';
import type { Tx } from '@restock/postgres';
import type { CatalogEvent } from '../domain/catalog-events.js';

// Compiled once at module load: validating every event before it is written is what keeps an invalid
// one from ever reaching the topic.
const catalogCodec = createCodec(Topics.catalog);

/** Writes catalog events to the service's outbox inside the caller's transaction; the relay publishes them. */
export interface CatalogOutbox {
  write(tx: Tx, events: CatalogEvent[]): Promise<void>;
}

/** `topic` is `catalog.v1`, or the suffixed name a test created. */
export function createCatalogOutbox(schema: string, topic: string): CatalogOutbox {
  return {
    async write(tx, events) {
      await enqueueEvents(tx, schema, catalogCodec, events, topic);
    },
  };
}
