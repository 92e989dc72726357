import type { DeviceState } from '@restock/events';
import { describe, expect, it } from 'vitest';
import { CatalogErrorCode } from './catalog-error.js';
import {
  assertProvisionable,
  claimDevice,
  normalizeClaimCode,
  provisionedState,
  withRevokedCredential,
  withRotatedCredential,
} from './device-rules.js';
import { defineNewModel } from './model-rules.js';

const now = new Date('2025-03-01T10:00:00.000Z');
const model = defineNewModel({ modelId: 'brewer-1', name: 'Brewer', kind: 'coffee_machine' }, 0, {
  now,
  newReplenishmentId: () => crypto.randomUUID(),
});
const request = { serialNumber: 'SN-0001', modelId: 'brewer-1', marketplace: 'US', testDevice: true };
const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

function device(): DeviceState {
  return provisionedState({ deviceId: 'dev_1', request, credentialHash: hashA, now });
}

describe('provisioning', () => {
  it('starts a device with its first credential and no customer', () => {
    expect(device()).toEqual({
      deviceId: 'dev_1',
      modelId: 'brewer-1',
      serialNumber: 'SN-0001',
      marketplace: 'US',
      customerId: null,
      credentialHash: hashA,
      credentialRevision: 1,
      testDevice: true,
      provisionedAt: '2025-03-01T10:00:00.000Z',
    });
  });

  it('refuses an unknown model, naming the field', () => {
    expect(() => assertProvisionable(undefined, request)).toThrow(
      expect.objectContaining({ status: 400, details: { field: '/body/modelId' } }),
    );
  });

  it('refuses a marketplace the model is not sold in, naming the field and the ones it is', () => {
    expect(() => assertProvisionable(model, { ...request, marketplace: 'JP' })).toThrow(
      expect.objectContaining({ status: 400, details: { field: '/body/marketplace', marketplaces: ['US'] } }),
    );
  });

  it('provisions test devices of an uncertified model but no production device', () => {
    expect(assertProvisionable(model, request)).toBe(model);
    expect(() => assertProvisionable(model, { ...request, testDevice: false })).toThrow(
      expect.objectContaining({ code: CatalogErrorCode.CAT_MODEL_NOT_CERTIFIED, status: 409 }),
    );
    const certified = { ...model, certifiedAt: now.toISOString() };
    expect(assertProvisionable(certified, { ...request, testDevice: false })).toBe(certified);
  });
});

describe('credentials', () => {
  it('replaces the hash and raises the revision on rotation', () => {
    expect(withRotatedCredential(device(), hashB)).toMatchObject({ credentialHash: hashB, credentialRevision: 2 });
  });

  it('drops the hash on revocation, and changes nothing when revoked again', () => {
    const revoked = withRevokedCredential(device());
    expect(revoked).toMatchObject({ credentialHash: null, credentialRevision: 2 });
    expect(revoked && withRevokedCredential(revoked)).toBeUndefined();
  });

  it('gives a revoked device a credential again on rotation', () => {
    const revoked = withRevokedCredential(device());
    expect(revoked && withRotatedCredential(revoked, hashB)).toMatchObject({
      credentialHash: hashB,
      credentialRevision: 3,
    });
  });
});

describe('claims', () => {
  it('makes the device the customer’s', () => {
    expect(claimDevice(device(), 'cust-1')).toEqual({ state: { ...device(), customerId: 'cust-1' }, changed: true });
  });

  it('changes nothing when the same customer claims again', () => {
    const claimed = claimDevice(device(), 'cust-1').state;
    expect(claimDevice(claimed, 'cust-1')).toEqual({ state: claimed, changed: false });
  });

  it('refuses another customer without naming the owner', () => {
    const claimed = claimDevice(device(), 'cust-1').state;
    expect(() => claimDevice(claimed, 'cust-2')).toThrow(
      expect.objectContaining({
        code: CatalogErrorCode.CAT_DEVICE_CLAIMED,
        status: 409,
        message: 'device dev_1 is already claimed by another customer',
      }),
    );
  });

  it('reads a claim code however it was typed', () => {
    expect(normalizeClaimCode('abcd-efgh-jk23')).toBe('ABCDEFGHJK23');
    expect(normalizeClaimCode(' ABCD EFGH JK23 ')).toBe('ABCDEFGHJK23');
  });
});
