import type {
  DeviceClaimed,
  DeviceCredentialRevoked,
  DeviceCredentialRotated,
  DeviceModel,
  DeviceModelDefined,
  DeviceModelDeleted,
  DeviceProvisioned,
  DeviceState,
  Topics,
} from '@restock/events';
import type { Static } from '@sinclair/typebox';

/** Any event of `catalog.v1`. */
export type CatalogEvent = Static<(typeof Topics.catalog.events)[number]>;

/** What every event the catalogue writes needs besides its data: its id, the time, who wrote it. */
export interface EventStamp {
  id: string;
  now: Date;
  source: string;
}

/** The Kafka key of a model's events: models and devices share the compacted topic, so keys say which is which. */
export function modelKey(modelId: string): string {
  return `model:${modelId}`;
}

/** The whole model after a change: compaction keeps only the last record of the key, so it carries everything. */
export function modelDefined(model: DeviceModel, stamp: EventStamp): DeviceModelDefined {
  return { ...header(stamp), type: 'DeviceModelDefined', version: 1, key: modelKey(model.modelId), data: model };
}

export function modelDeleted(modelId: string, stamp: EventStamp): DeviceModelDeleted {
  return { ...header(stamp), type: 'DeviceModelDeleted', version: 1, key: modelKey(modelId), data: { modelId } };
}

type DeviceEventType = 'DeviceProvisioned' | 'DeviceClaimed' | 'DeviceCredentialRotated' | 'DeviceCredentialRevoked';
type DeviceEventOf = {
  DeviceProvisioned: DeviceProvisioned;
  DeviceClaimed: DeviceClaimed;
  DeviceCredentialRotated: DeviceCredentialRotated;
  DeviceCredentialRevoked: DeviceCredentialRevoked;
};

/** A device event keyed by its device, carrying the device's whole state after the change. */
export function deviceEvent<T extends DeviceEventType>(
  type: T,
  state: DeviceState,
  stamp: EventStamp,
): DeviceEventOf[T] {
  return { ...header(stamp), type, version: 1, deviceId: state.deviceId, data: state } as DeviceEventOf[T];
}

function header(stamp: EventStamp) {
  const at = stamp.now.toISOString();
  // The catalogue is the source of these facts: they happen when it records them.
  return { id: stamp.id, occurredAt: at, recordedAt: at, source: stamp.source };
}
