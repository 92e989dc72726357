import type { StoredDevice } from '../store/device-store.js';
import type { DeviceView } from './http-schemas.js';

/** A device as the admin API shows it: the credential's state, never its hash. */
export function deviceView(device: StoredDevice): DeviceView {
  const { state } = device;
  return {
    deviceId: state.deviceId,
    modelId: state.modelId,
    serialNumber: state.serialNumber,
    marketplace: state.marketplace,
    testDevice: state.testDevice,
    customerId: state.customerId,
    claimedAt: device.claimedAt,
    credentialActive: state.credentialHash !== null,
    credentialRevision: state.credentialRevision,
    provisionedAt: state.provisionedAt,
    updatedAt: device.updatedAt,
  };
}
