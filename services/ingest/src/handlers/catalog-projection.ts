import { createCodec, Topics } from '@restock/events';
import { type BusLog, createProjectionConsumer, type Kafka, type ProjectionConsumer } from '@restock/kafka';
import type { Pool, Tx } from '@restock/postgres';
import type { Static } from '@sinclair/typebox';
import { catalogTables } from '../store/catalog-tables.js';

const catalogCodec = createCodec(Topics.catalog);

/** Every event catalog.v1 carries. */
export type CatalogEvent = Static<(typeof Topics.catalog.events)[number]>;

type CatalogTables = ReturnType<typeof catalogTables>;

/** Applies one catalog.v1 event to ingest's copy of models and devices. */
export async function applyCatalogEvent(tables: CatalogTables, tx: Tx, event: CatalogEvent): Promise<void> {
  switch (event.type) {
    case 'DeviceModelDefined':
      return tables.putModel(tx, event.data);
    case 'DeviceModelDeleted':
      return tables.deleteModel(tx, event.data.modelId);
    case 'DeviceProvisioned':
    case 'DeviceClaimed':
    case 'DeviceCredentialRotated':
    case 'DeviceCredentialRevoked':
      // Each carries the whole device; a revoked one has no credential hash, so it no longer authenticates.
      return tables.putDevice(tx, event.data);
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`unhandled catalog event ${JSON.stringify((event as { type?: unknown }).type)}`);
}

export interface CatalogConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  schema: string;
  groupId: string;
  /** catalog.v1, or its suffixed name in tests. */
  topic: string;
  log: BusLog;
}

/**
 * The catalog.v1 projection: its own consumer group reads the topic from the beginning and applies
 * each batch with its offsets in one transaction, so ingest's copy equals the log, and a model or
 * device change takes effect seconds after it is published, without a restart.
 */
export function createCatalogConsumer(options: CatalogConsumerOptions): ProjectionConsumer {
  const tables = catalogTables(options.schema);
  return createProjectionConsumer({
    kafka: options.kafka,
    pool: options.pool,
    schema: options.schema,
    groupId: options.groupId,
    subscriptions: [{ topic: options.topic, codec: catalogCodec }],
    log: options.log,
    fromBeginning: true,
    // The codec validated the event against the catalog's schemas before it gets here.
    handle: (tx, event) => applyCatalogEvent(tables, tx, event as CatalogEvent),
  });
}
