import { hashCredential, newClaimCode, newDeviceCredential } from '@restock/auth';
import type { HttpApp } from '@restock/http';
import { withTransaction } from '@restock/postgres';
import { CatalogError, CatalogErrorCode } from '../domain/catalog-error.js';
import { deviceEvent } from '../domain/catalog-events.js';
import {
  assertProvisionable,
  normalizeClaimCode,
  provisionedState,
  withRevokedCredential,
  withRotatedCredential,
} from '../domain/device-rules.js';
import { type CatalogContext, stampOf } from './catalog-context.js';
import { deviceView } from './device-view.js';
import {
  DeviceList,
  DeviceListQuery,
  DeviceParams,
  DeviceView,
  ProvisionBody,
  ProvisionedDevice,
  RotatedCredential,
} from './http-schemas.js';

const BASE = '/admin/v1/devices';

/**
 * Devices: provisioning, reading, and the credential's rotation and revocation. A credential and a
 * claim code are shown in the answer that creates them and never again; only their SHA-256 hashes
 * are kept. Each change publishes the device's whole state on catalog.v1, from the same transaction.
 */
export function registerDeviceRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post(BASE, { schema: { body: ProvisionBody, response: { 201: ProvisionedDevice } } }, async (request, reply) => {
    const credential = newDeviceCredential();
    const claimCode = newClaimCode();
    const device = await withTransaction(ctx.pool, async (tx) => {
      // FOR SHARE: the model can neither lose this marketplace nor be deleted until the device is in.
      const model = await ctx.models.findModel(tx, request.body.modelId, 'share');
      assertProvisionable(model, request.body);
      const now = ctx.clock();
      const state = provisionedState({
        deviceId: ctx.newDeviceId(),
        request: request.body,
        credentialHash: hashCredential(credential),
        now,
      });
      const outcome = await ctx.devices.insertDevice(tx, state, hashCredential(normalizeClaimCode(claimCode)));
      if (!outcome.inserted) {
        throw new CatalogError(
          CatalogErrorCode.CAT_DEVICE_EXISTS,
          409,
          `model ${state.modelId} already has a device with serial number ${state.serialNumber}: ${outcome.existingDeviceId}`,
          { deviceId: outcome.existingDeviceId, field: '/body/serialNumber' },
        );
      }
      await ctx.outbox.write(tx, [deviceEvent('DeviceProvisioned', state, stampOf(ctx, now))]);
      return { state, claimedAt: null, updatedAt: state.provisionedAt };
    });
    reply.header('location', `${BASE}/${device.state.deviceId}`);
    reply.header('cache-control', 'no-store');
    reply.code(201);
    return { ...deviceView(device), credential, claimCode };
  });

  app.get(BASE, { schema: { querystring: DeviceListQuery, response: { 200: DeviceList } } }, async (request) => {
    const page = await ctx.devices.listDevices(ctx.pool, request.query);
    return { devices: page.devices.map(deviceView), next: page.next };
  });

  app.get(`${BASE}/:deviceId`, { schema: { params: DeviceParams, response: { 200: DeviceView } } }, async (request) => {
    const device = await ctx.devices.findDevice(ctx.pool, request.params.deviceId);
    if (device === undefined) throw deviceNotFound(request.params.deviceId);
    return deviceView(device);
  });

  // Rotation issues a new credential (also to a revoked device); the old hash is overwritten, so the
  // old credential stops working the moment the consumers apply the event.
  app.post(
    `${BASE}/:deviceId/credential`,
    { schema: { params: DeviceParams, response: { 200: RotatedCredential } } },
    async (request, reply) => {
      const credential = newDeviceCredential();
      const device = await withTransaction(ctx.pool, async (tx) => {
        const stored = await ctx.devices.findDevice(tx, request.params.deviceId, 'update');
        if (stored === undefined) throw deviceNotFound(request.params.deviceId);
        const now = ctx.clock();
        const state = withRotatedCredential(stored.state, hashCredential(credential));
        const saved = await ctx.devices.saveDevice(tx, state, now);
        await ctx.outbox.write(tx, [deviceEvent('DeviceCredentialRotated', state, stampOf(ctx, now))]);
        return saved;
      });
      reply.header('cache-control', 'no-store');
      return { ...deviceView(device), credential };
    },
  );

  // Revoking a revoked credential changes nothing and publishes nothing.
  app.delete(
    `${BASE}/:deviceId/credential`,
    { schema: { params: DeviceParams, response: { 200: DeviceView } } },
    async (request) => {
      const device = await withTransaction(ctx.pool, async (tx) => {
        const stored = await ctx.devices.findDevice(tx, request.params.deviceId, 'update');
        if (stored === undefined) throw deviceNotFound(request.params.deviceId);
        const state = withRevokedCredential(stored.state);
        if (state === undefined) return stored;
        const now = ctx.clock();
        const saved = await ctx.devices.saveDevice(tx, state, now);
        await ctx.outbox.write(tx, [deviceEvent('DeviceCredentialRevoked', state, stampOf(ctx, now))]);
        return saved;
      });
      return deviceView(device);
    },
  );
}

function deviceNotFound(deviceId: string): CatalogError {
  return new CatalogError(CatalogErrorCode.CAT_DEVICE_NOT_FOUND, 404, `there is no device ${deviceId}`);
}
