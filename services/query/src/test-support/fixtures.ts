import {
  createCodec,
  type DeviceModel,
  type DeviceModelDefined,
  type DeviceState,
  type InventoryChanged,
  newEventId,
  Topics,
} from '@restock/events';
import type { BusProducer } from '@restock/kafka';
import type { CatalogEvent } from '../handlers/catalog-projection.js';

/*
 * Records as the catalog service and the inventory projector publish them, for tests and the
 * benchmark, which set the query service up the way production does: through the topics.
 */

export const catalogCodec = createCodec(Topics.catalog);
export const inventoryCodec = createCodec(Topics.inventory);

/** A washing machine sold in the US and Germany: detergent and softener by volume. */
export function washingMachineModel(modelId: string): DeviceModel {
  return {
    modelId,
    name: `Washer ${modelId}`,
    kind: 'washing_machine',
    slots: [
      {
        slotId: 'detergent',
        unitType: 'volume',
        capacity: 3000,
        defaultDailyUse: 60,
        replenishmentId: 'rep-det',
        optional: false,
      },
      {
        slotId: 'softener',
        unitType: 'volume',
        capacity: 1500,
        defaultDailyUse: 25,
        replenishmentId: 'rep-soft',
        optional: false,
      },
    ],
    marketplaces: {
      US: {
        deviceName: 'SmartWash 500',
        slotNames: { detergent: 'Laundry detergent', softener: 'Fabric softener' },
        asins: { detergent: ['B000DET001'], softener: ['B000SOF001'] },
      },
      DE: {
        deviceName: 'SmartWash 500 DE',
        slotNames: { detergent: 'Waschmittel', softener: 'Weichspüler' },
        asins: { detergent: ['B000DET002'], softener: ['B000SOF002'] },
      },
    },
    image: null,
    certifiedAt: null,
    revision: 1,
  };
}

/** A coffee machine sold in Germany: pods by count, beans by weight. */
export function coffeeMachineModel(modelId: string): DeviceModel {
  return {
    modelId,
    name: `Coffee ${modelId}`,
    kind: 'coffee_machine',
    slots: [
      {
        slotId: 'pods',
        unitType: 'count',
        capacity: 40,
        defaultDailyUse: 4,
        replenishmentId: 'rep-pods',
        optional: false,
      },
      {
        slotId: 'beans',
        unitType: 'weight',
        capacity: 1000,
        defaultDailyUse: 30,
        replenishmentId: 'rep-beans',
        optional: false,
      },
    ],
    marketplaces: {
      DE: {
        deviceName: 'Kaffeemaschine',
        slotNames: { pods: 'Kapseln', beans: 'Bohnen' },
        asins: { pods: ['B000POD001'], beans: ['B000BEA001'] },
      },
    },
    image: null,
    certifiedAt: null,
    revision: 1,
  };
}

export function modelDefined(definition: DeviceModel): DeviceModelDefined {
  const now = new Date().toISOString();
  return {
    id: newEventId(),
    type: 'DeviceModelDefined',
    version: 1,
    key: `model:${definition.modelId}`,
    occurredAt: now,
    recordedAt: now,
    source: 'catalog',
    data: definition,
  };
}

export function deviceState(
  deviceId: string,
  modelId: string,
  marketplace: string,
  customerId: string | null,
): DeviceState {
  return {
    deviceId,
    modelId,
    serialNumber: `SN${deviceId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`,
    marketplace,
    customerId,
    credentialHash: null,
    credentialRevision: 0,
    testDevice: true,
    provisionedAt: new Date().toISOString(),
  };
}

/** A device's record on catalog.v1: provisioned (no owner yet) or claimed by its customer. */
export function deviceEvent(type: 'DeviceProvisioned' | 'DeviceClaimed', state: DeviceState): CatalogEvent {
  const now = new Date().toISOString();
  return {
    id: newEventId(),
    type,
    version: 1,
    deviceId: state.deviceId,
    occurredAt: now,
    recordedAt: now,
    source: 'catalog',
    data: state,
  };
}

export async function publishCatalog(producer: BusProducer, topic: string, events: CatalogEvent[]): Promise<void> {
  await producer.publish(catalogCodec, events, topic);
}

/** A slot's state as the projector announces it on inventory.v1. */
export function inventoryChanged(
  deviceId: string,
  data: Partial<InventoryChanged['data']> & { slotId: string; revision: number },
): InventoryChanged {
  const now = new Date().toISOString();
  return {
    id: newEventId(),
    type: 'InventoryChanged',
    version: 1,
    deviceId,
    occurredAt: now,
    recordedAt: now,
    source: 'inventory-projector',
    data: {
      unitType: 'volume',
      unit: 'ml',
      level: 1000,
      capacity: 3000,
      spareStock: 0,
      onTheWay: [],
      stockOnHand: 1000,
      overdraw: 0,
      lastUseAt: null,
      registered: false,
      subscription: null,
      openOrder: null,
      ...data,
    },
  };
}
