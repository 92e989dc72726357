import { createCodec, Topics } from '@restock/events';
import { type BusLog, createProjectionConsumer, type Kafka, type ProjectionConsumer } from '@restock/kafka';
import type { Pool, Tx } from '@restock/postgres';
import type { Static } from '@sinclair/typebox';
import { type CatalogTouch, catalogTables } from '../store/catalog-tables.js';

const catalogCodec = createCodec(Topics.catalog);

/** Every event catalog.v1 carries. */
export type CatalogEvent = Static<(typeof Topics.catalog.events)[number]>;

type CatalogTables = ReturnType<typeof catalogTables>;

/** Applies one catalog.v1 event to query's copy of models and devices. */
export async function applyCatalogEvent(tables: CatalogTables, tx: Tx, event: CatalogEvent): Promise<CatalogTouch> {
  switch (event.type) {
    case 'DeviceModelDefined':
      return tables.putModel(tx, event.data);
    case 'DeviceModelDeleted':
      return tables.deleteModel(tx, event.data.modelId);
    case 'DeviceProvisioned':
    case 'DeviceClaimed':
    case 'DeviceCredentialRotated':
    case 'DeviceCredentialRevoked':
      // Each carries the whole device, its owner included: a claim makes it the customer's.
      return tables.putDevice(tx, event.data);
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`unhandled catalog event ${JSON.stringify((event as { type?: unknown }).type)}`);
}

export interface CatalogProjectionOptions {
  kafka: Kafka;
  pool: Pool;
  schema: string;
  groupId: string;
  /** catalog.v1, or its suffixed name in tests. */
  topic: string;
  log: BusLog;
  /** Called after each batch committed, with what it touched: the cached views to drop. */
  onCommitted: (touched: CatalogTouch) => Promise<void>;
}

/**
 * The catalog.v1 projection: one group shared by every replica reads the topic from the beginning and
 * applies each batch with its offsets in one transaction, so query's copy of who owns which device
 * equals the log, and a claim takes effect seconds after it is published.
 */
export function createCatalogProjection(options: CatalogProjectionOptions): ProjectionConsumer {
  const tables = catalogTables(options.schema);
  // Partitions are applied one at a time (the consumer's default), so one batch is in flight at once;
  // a batch that is retried starts over with a fresh set in beginBatch.
  let touched: { deviceIds: Set<string>; customerIds: Set<string> } = { deviceIds: new Set(), customerIds: new Set() };
  return createProjectionConsumer({
    kafka: options.kafka,
    pool: options.pool,
    schema: options.schema,
    groupId: options.groupId,
    subscriptions: [{ topic: options.topic, codec: catalogCodec }],
    log: options.log,
    fromBeginning: true,
    partitionsConsumedConcurrently: 1,
    beginBatch: () => {
      touched = { deviceIds: new Set(), customerIds: new Set() };
    },
    handle: async (tx, event) => {
      // The codec validated the event against the catalogue's schemas before it gets here.
      const t = await applyCatalogEvent(tables, tx, event as CatalogEvent);
      for (const id of t.deviceIds) touched.deviceIds.add(id);
      for (const id of t.customerIds) touched.customerIds.add(id);
    },
    // Only after the commit: a view re-read before it would be cached from the old rows.
    afterCommit: async () => {
      const done = touched;
      touched = { deviceIds: new Set(), customerIds: new Set() };
      if (done.deviceIds.size === 0 && done.customerIds.size === 0) return;
      await options.onCommitted({ deviceIds: [...done.deviceIds], customerIds: [...done.customerIds] });
    },
  });
}
