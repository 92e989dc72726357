import type { DeviceModel } from '@restock/events';
import type { CatalogClient } from './clients/catalog-client.js';
import { DEVICE_KINDS, type DeviceKind } from './domain/consumption-profiles.js';
import { randomStream } from './domain/random.js';
import { initialLevels, type ModelSlotInfo, type SlotLevels } from './domain/simulated-device.js';
import type { SimulatorState, StoredDevice } from './store/device-state-file.js';

/**
 * The setup step: the four template models (created if missing, through the catalog admin API) and
 * DEVICES test devices provisioned in them, reusing the devices of the state file when the catalog
 * still knows them.
 */

export interface FleetDevice {
  index: number;
  kind: DeviceKind;
  deviceId: string;
  modelId: string;
  serialNumber: string;
  marketplace: string;
  credential: string;
  /** ms since the epoch. */
  credentialIssuedAt: number;
  slots: ModelSlotInfo[];
  levels: SlotLevels;
}

export interface FleetConfig {
  DEVICES: number;
  MARKETPLACE: string;
  MODEL_ID_PREFIX: string;
  SERIAL_PREFIX: string;
}

export interface FleetLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Device n is of kind n mod 4, so any fleet of four or more has every kind. */
export function kindOf(index: number): DeviceKind {
  return DEVICE_KINDS[index % DEVICE_KINDS.length]!;
}

export function modelIdOf(prefix: string, kind: DeviceKind): string {
  return `${prefix}-${kind.replaceAll('_', '-')}`;
}

export function serialNumberOf(prefix: string, kind: DeviceKind, index: number): string {
  return `${prefix}-${kind.replaceAll('_', '-')}-${index}`;
}

const KIND_NAMES: Readonly<Record<DeviceKind, string>> = {
  printer: 'printer',
  washing_machine: 'washing machine',
  dishwasher: 'dishwasher',
  coffee_machine: 'coffee machine',
};

/** The model of a kind: the existing one, else a new one from the catalog's template for the kind. */
async function ensureModel(
  catalog: CatalogClient,
  config: FleetConfig,
  kind: DeviceKind,
  log: FleetLog,
): Promise<DeviceModel> {
  const modelId = modelIdOf(config.MODEL_ID_PREFIX, kind);
  let model = await catalog.getModel(modelId);
  if (model === null) {
    model =
      (await catalog.createModel({ modelId, name: `Device simulator ${KIND_NAMES[kind]}`, kind })) ??
      (await catalog.getModel(modelId));
    if (model === null) throw new Error(`model ${modelId} was created and deleted at once`);
    log.info({ modelId, kind, slots: model.slots.map((s) => s.slotId) }, 'created the device model from its template');
  }
  const listed = model.marketplaces[config.MARKETPLACE];
  if (listed === undefined) {
    // New models are listed in the US only; other marketplaces get the same names and placeholder
    // ASINs, enough for test devices.
    const template = Object.values(model.marketplaces)[0];
    if (template === undefined) throw new Error(`model ${modelId} is listed in no marketplace`);
    model = await catalog.putListing(modelId, config.MARKETPLACE, template);
    log.info({ modelId, marketplace: config.MARKETPLACE }, 'listed the device model in the marketplace');
  }
  return model;
}

function slotsOf(model: DeviceModel): ModelSlotInfo[] {
  return model.slots.map((s) => ({ slotId: s.slotId, unitType: s.unitType, capacity: s.capacity }));
}

/** Saved levels when they still fit the model's slots, else fresh ones for this device. */
function levelsFor(stored: StoredDevice | undefined, slots: readonly ModelSlotInfo[], seed: number, index: number) {
  const saved = stored?.levels;
  if (saved !== undefined && slots.every((s) => typeof saved[s.slotId] === 'number')) {
    return Object.fromEntries(slots.map((s) => [s.slotId, Math.min(s.capacity, saved[s.slotId]!)]));
  }
  const random = randomStream(seed, 'levels', index);
  return initialLevels(slots, random.next);
}

export interface FleetSetup {
  catalog: CatalogClient;
  config: FleetConfig;
  seed: number;
  state: SimulatorState;
  /** Persists the state after each change, so a crash during setup loses no credential. */
  save: (state: SimulatorState) => Promise<void>;
  log: FleetLog;
  now: () => number;
}

export async function setUpFleet(setup: FleetSetup): Promise<FleetDevice[]> {
  const { catalog, config, log } = setup;
  const kinds = [
    ...new Set(Array.from({ length: Math.min(config.DEVICES, DEVICE_KINDS.length) }, (_, i) => kindOf(i))),
  ];
  const models = new Map<DeviceKind, DeviceModel>();
  for (const kind of kinds) models.set(kind, await ensureModel(catalog, config, kind, log));

  const fleet: FleetDevice[] = [];
  let provisioned = 0;
  let reused = 0;
  for (let index = 0; index < config.DEVICES; index++) {
    const kind = kindOf(index);
    const model = models.get(kind)!;
    const serialNumber = serialNumberOf(config.SERIAL_PREFIX, kind, index);
    const stored = setup.state.devices.find(
      (d) => d.index === index && d.modelId === model.modelId && d.serialNumber === serialNumber,
    );
    let device: Pick<FleetDevice, 'deviceId' | 'credential' | 'credentialIssuedAt'> | null = null;

    if (stored !== undefined) {
      const known = await catalog.getDevice(stored.deviceId);
      if (known !== null && known.serialNumber === serialNumber) {
        if (known.credentialActive) {
          device = {
            deviceId: stored.deviceId,
            credential: stored.credential,
            credentialIssuedAt: Date.parse(stored.credentialIssuedAt),
          };
        } else {
          const rotated = await catalog.rotateCredential(stored.deviceId);
          device = { deviceId: rotated.deviceId, credential: rotated.credential, credentialIssuedAt: setup.now() };
          log.warn({ deviceId: rotated.deviceId }, 'the saved credential was revoked: rotated it');
        }
        reused++;
      }
    }
    if (device === null) {
      const outcome = await catalog.provisionTestDevice({
        serialNumber,
        modelId: model.modelId,
        marketplace: config.MARKETPLACE,
      });
      // A serial number provisioned by a run whose state is gone: its credential was shown once and
      // lost with that state, so a new one is issued.
      const issued = outcome.kind === 'provisioned' ? outcome.device : await catalog.rotateCredential(outcome.deviceId);
      device = { deviceId: issued.deviceId, credential: issued.credential, credentialIssuedAt: setup.now() };
      provisioned++;
    }

    const slots = slotsOf(model);
    const member: FleetDevice = {
      index,
      kind,
      deviceId: device.deviceId,
      modelId: model.modelId,
      serialNumber,
      marketplace: config.MARKETPLACE,
      credential: device.credential,
      credentialIssuedAt: device.credentialIssuedAt,
      slots,
      levels: levelsFor(stored, slots, setup.seed, index),
    };
    fleet.push(member);
    setup.state.devices = [...setup.state.devices.filter((d) => d.index !== index), toStored(member)];
    if (stored === undefined || stored.deviceId !== member.deviceId || stored.credential !== member.credential) {
      await setup.save(setup.state);
    }
  }
  log.info({ devices: fleet.length, provisioned, reused }, 'fleet ready');
  return fleet;
}

export function toStored(device: FleetDevice): StoredDevice {
  return {
    index: device.index,
    deviceId: device.deviceId,
    modelId: device.modelId,
    serialNumber: device.serialNumber,
    marketplace: device.marketplace,
    credential: device.credential,
    credentialIssuedAt: new Date(device.credentialIssuedAt).toISOString(),
    levels: { ...device.levels },
  };
}
