import type { DeviceModel, DeviceState } from '@restock/events';
import { CatalogError, CatalogErrorCode, invalidField } from './catalog-error.js';

/**
 * The rules of a device's life in the catalogue: provisioning against a model, its credential
 * (shown once, stored as a hash, rotated and revoked), and the claim that makes it a customer's.
 * Pure: ids, hashes and time arrive as arguments.
 */

export interface ProvisionRequest {
  serialNumber: string;
  modelId: string;
  marketplace: string;
  testDevice: boolean;
}

/**
 * A device can be provisioned for a model that exists, in a marketplace the model is sold in. A
 * production device also needs a certified model: DRS serves an uncertified model to test devices
 * only, so a production device of it could never order.
 */
export function assertProvisionable(model: DeviceModel | undefined, request: ProvisionRequest): DeviceModel {
  if (model === undefined) {
    throw invalidField('/body/modelId', `there is no device model ${request.modelId}`);
  }
  if (model.marketplaces[request.marketplace] === undefined) {
    const sold = Object.keys(model.marketplaces).sort();
    throw new CatalogError(
      CatalogErrorCode.CAT_INVALID,
      400,
      `/body/marketplace: model ${model.modelId} is not sold in ${request.marketplace} (it is sold in ${sold.join(', ') || 'no marketplace'})`,
      { field: '/body/marketplace', marketplaces: sold },
    );
  }
  if (!request.testDevice && model.certifiedAt === null) {
    throw new CatalogError(
      CatalogErrorCode.CAT_MODEL_NOT_CERTIFIED,
      409,
      `model ${model.modelId} is not certified: only test devices can be provisioned for it`,
      { field: '/body/testDevice' },
    );
  }
  return model;
}

/** The state of a device just provisioned: its first credential, no customer yet. */
export function provisionedState(input: {
  deviceId: string;
  request: ProvisionRequest;
  credentialHash: string;
  now: Date;
}): DeviceState {
  return {
    deviceId: input.deviceId,
    modelId: input.request.modelId,
    serialNumber: input.request.serialNumber,
    marketplace: input.request.marketplace,
    customerId: null,
    credentialHash: input.credentialHash,
    credentialRevision: 1,
    testDevice: input.request.testDevice,
    provisionedAt: input.now.toISOString(),
  };
}

/** A new credential replaces the old one, whose hash is gone for good; a revoked device gets one again. */
export function withRotatedCredential(state: DeviceState, credentialHash: string): DeviceState {
  return { ...state, credentialHash, credentialRevision: state.credentialRevision + 1 };
}

/** The device loses its credential; undefined when it has none already (nothing changes, nothing is published). */
export function withRevokedCredential(state: DeviceState): DeviceState | undefined {
  if (state.credentialHash === null) return undefined;
  return { ...state, credentialHash: null, credentialRevision: state.credentialRevision + 1 };
}

/**
 * The device becomes the customer's. Claiming again as the same customer changes nothing (a retry
 * after a lost answer); a device another customer claimed is refused without saying who.
 */
export function claimDevice(state: DeviceState, customerId: string): { state: DeviceState; changed: boolean } {
  if (state.customerId === customerId) return { state, changed: false };
  if (state.customerId !== null) {
    throw new CatalogError(
      CatalogErrorCode.CAT_DEVICE_CLAIMED,
      409,
      `device ${state.deviceId} is already claimed by another customer`,
      { deviceId: state.deviceId },
    );
  }
  return { state: { ...state, customerId }, changed: true };
}

/**
 * The form a claim code is hashed in: people type it from a label, in any case, with or without the
 * dashes and spaces that group it.
 */
export function normalizeClaimCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}
