import { hashCredential } from '@restock/auth';
import type { HttpApp } from '@restock/http';
import { withTransaction } from '@restock/postgres';
import { CatalogError, CatalogErrorCode } from '../domain/catalog-error.js';
import { deviceEvent } from '../domain/catalog-events.js';
import { claimDevice, normalizeClaimCode } from '../domain/device-rules.js';
import { principalOf } from './authentication.js';
import { type CatalogContext, stampOf } from './catalog-context.js';
import { ClaimBody, ClaimedDevice } from './http-schemas.js';

/**
 * A companion app user claims a device with the code printed on it and becomes its customer. The code
 * is looked up by its hash and works once: afterwards it only confirms the same customer's claim.
 */
export function registerClaimRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post('/v1/claims', { schema: { body: ClaimBody, response: { 200: ClaimedDevice } } }, async (request) => {
    const customerId = principalOf(request).subject;
    const claimCodeHash = hashCredential(normalizeClaimCode(request.body.claimCode));
    const device = await withTransaction(ctx.pool, async (tx) => {
      const stored = await ctx.devices.lockDeviceByClaimCode(tx, claimCodeHash);
      if (stored === undefined) {
        throw new CatalogError(CatalogErrorCode.CAT_CLAIM_CODE_UNKNOWN, 404, 'no device has this claim code', {
          field: '/body/claimCode',
        });
      }
      const claim = claimDevice(stored.state, customerId);
      if (!claim.changed) return stored;
      const now = ctx.clock();
      const saved = await ctx.devices.saveDevice(tx, claim.state, now, now);
      await ctx.outbox.write(tx, [deviceEvent('DeviceClaimed', claim.state, stampOf(ctx, now))]);
      return saved;
    });
    return {
      deviceId: device.state.deviceId,
      modelId: device.state.modelId,
      serialNumber: device.state.serialNumber,
      marketplace: device.state.marketplace,
      customerId,
      claimedAt: device.claimedAt ?? device.updatedAt,
    };
  });
}
