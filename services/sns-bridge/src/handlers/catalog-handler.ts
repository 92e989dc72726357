import type { Topics } from '@restock/events';
import type { MessageMeta } from '@restock/kafka';
import type { Tx } from '@restock/postgres';
import type { Static } from '@sinclair/typebox';
import type { CatalogCopyStore } from '../store/catalog-copy.js';

/** Any event of `catalog.v1`. */
export type CatalogEvent = Static<(typeof Topics.catalog.events)[number]>;

export interface CatalogHandlerOptions {
  store: CatalogCopyStore;
  log: { debug(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

/**
 * Applies one `catalog.v1` event to the bridge's catalog copy, inside the projection consumer's
 * transaction (so the copy and the consumer's offsets commit together). Models give the DRS slot id ->
 * model slot id table; every device event carries the device's whole state, from which only the DRS
 * identity (model id, serial number) is kept.
 */
export function createCatalogHandler(options: CatalogHandlerOptions) {
  const { store, log } = options;
  return async function handleCatalogEvent(tx: Tx, decoded: unknown, meta: MessageMeta): Promise<void> {
    // The projection consumer decoded it with the catalog codec: it is one of the topic's events.
    const event = decoded as CatalogEvent;
    switch (event.type) {
      case 'DeviceModelDefined': {
        const applied = await store.saveModel(tx, event.data);
        log.debug(
          { modelId: event.data.modelId, revision: event.data.revision, applied, offset: meta.offset },
          applied ? 'device model copied' : 'older device model revision ignored',
        );
        return;
      }
      case 'DeviceModelDeleted':
        await store.deleteModel(tx, event.data.modelId);
        log.info({ modelId: event.data.modelId }, 'device model removed from the catalog copy');
        return;
      case 'DeviceProvisioned':
      case 'DeviceClaimed':
      case 'DeviceCredentialRotated':
      case 'DeviceCredentialRevoked':
        await store.saveDevice(tx, event.data);
        log.debug({ deviceId: event.data.deviceId, type: event.type }, 'device copied');
        return;
      default:
        return unhandled(event);
    }
  };
}

// A new catalog event type must be decided on here: it fails to compile until it is.
function unhandled(event: never): never {
  throw new Error(`catalog event ${(event as { type?: unknown }).type} is not handled`);
}
