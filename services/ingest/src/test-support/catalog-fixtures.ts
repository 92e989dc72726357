import { hashCredential, newDeviceCredential } from '@restock/auth';
import {
  createCodec,
  type DeviceModel,
  type DeviceModelDefined,
  type DeviceState,
  newEventId,
  Topics,
} from '@restock/events';
import type { BusProducer } from '@restock/kafka';
import type { CatalogEvent } from '../handlers/catalog-projection.js';

/*
 * catalog.v1 records as the catalog service publishes them, for tests and the benchmark, which
 * provision devices the way production does: through the topic.
 */

export const catalogCodec = createCodec(Topics.catalog);

type DeviceEventType = 'DeviceProvisioned' | 'DeviceClaimed' | 'DeviceCredentialRotated' | 'DeviceCredentialRevoked';

/** A washing machine: detergent and softener by volume. */
export function washingMachineModel(modelId: string): DeviceModel {
  return model(modelId, 'washing_machine', [
    { slotId: 'detergent', unitType: 'volume', capacity: 3000 },
    { slotId: 'softener', unitType: 'volume', capacity: 1500 },
  ]);
}

/** A coffee machine: pods by count, ground coffee by weight. */
export function coffeeMachineModel(modelId: string): DeviceModel {
  return model(modelId, 'coffee_machine', [
    { slotId: 'pods', unitType: 'count', capacity: 40 },
    { slotId: 'ground_coffee', unitType: 'weight', capacity: 500 },
  ]);
}

function model(
  modelId: string,
  kind: DeviceModel['kind'],
  slots: { slotId: string; unitType: DeviceModel['slots'][number]['unitType']; capacity: number }[],
): DeviceModel {
  return {
    modelId,
    name: `Model ${modelId}`,
    kind,
    slots: slots.map((s) => ({ ...s, defaultDailyUse: 1, replenishmentId: `rep-${s.slotId}`, optional: false })),
    marketplaces: {},
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

export function modelDeleted(modelId: string): CatalogEvent {
  const now = new Date().toISOString();
  return {
    id: newEventId(),
    type: 'DeviceModelDeleted',
    version: 1,
    key: `model:${modelId}`,
    occurredAt: now,
    recordedAt: now,
    source: 'catalog',
    data: { modelId },
  };
}

/** A provisioned device and the credential it was given (shown once, as the catalog does). */
export function newDevice(deviceId: string, modelId: string): { state: DeviceState; credential: string } {
  const credential = newDeviceCredential();
  return {
    credential,
    state: {
      deviceId,
      modelId,
      serialNumber: `SN${deviceId.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 64),
      marketplace: 'US',
      customerId: null,
      credentialHash: hashCredential(credential),
      credentialRevision: 1,
      testDevice: true,
      provisionedAt: new Date().toISOString(),
    },
  };
}

export function deviceEvent(type: DeviceEventType, state: DeviceState): CatalogEvent {
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

/** Publishes catalog events to `topic` (a suffixed catalog.v1 in tests). */
export async function publishCatalog(producer: BusProducer, topic: string, events: CatalogEvent[]): Promise<void> {
  await producer.publish(catalogCodec, events, topic);
}
