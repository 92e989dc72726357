import { createHash } from 'node:crypto';
import { isRestockError } from '@restock/errors';
import {
  type DeregisterRequested,
  deterministicId,
  type InventoryAdjusted,
  type LinkDrsAccount,
  newEventId,
  type SlotPreferencesChanged,
  type UnitType,
} from '@restock/events';
import { levelToCanonical, toCanonical, UnitErrorCode } from '@restock/units';
import { QueryError, QueryErrorCode } from './query-error.js';
import type { AdjustmentRequest, DrsLinkRequest } from './requests.js';

/** The `source` of every event the query service writes. */
export const SOURCE = 'query';

/** Who asks, about what, when: the part every customer command shares. */
export interface CommandContext {
  customerId: string;
  deviceId: string;
  now: Date;
  /** The client's Idempotency-Key header, if it sent one. */
  idempotencyKey: string | undefined;
}

/**
 * The event id of a customer's request: derived from the Idempotency-Key when there is one, so a
 * retry is the same event (readers de-duplicate on it), random otherwise.
 */
export function commandEventId(kind: string, ctx: CommandContext, ...scope: string[]): string {
  return ctx.idempotencyKey === undefined
    ? newEventId()
    : deterministicId(SOURCE, kind, ctx.customerId, ctx.deviceId, ...scope, ctx.idempotencyKey);
}

/**
 * A digest of what a request asked for, so a reused Idempotency-Key with a different request is told
 * apart from a retry. Secrets (the authorization code) only ever enter it hashed.
 */
export function requestDigest(kind: string, ctx: CommandContext, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, ctx.customerId, ctx.deviceId, body]))
    .digest('hex');
}

function stamp(id: string, ctx: CommandContext) {
  const at = ctx.now.toISOString();
  return { id, version: 1 as const, deviceId: ctx.deviceId, occurredAt: at, recordedAt: at, source: SOURCE };
}

/**
 * The InventoryAdjusted for a customer's adjustment, its quantity converted exactly to the slot's
 * canonical unit. A level in % of a volume, weight or count slot is a share of a full refill.
 *
 * @throws QueryError 400 naming `/body/unit` (unknown unit, or one of another type than the slot's)
 *   or `/body/quantity` (not convertible, a level above the slot's capacity, adding nothing).
 */
export function adjustInventory(
  request: AdjustmentRequest,
  slot: { slotId: string; unitType: UnitType; capacity: number },
  ctx: CommandContext,
  eventId: string,
): InventoryAdjusted {
  let canonical: { quantity: number; unit: InventoryAdjusted['data']['unit'] };
  try {
    canonical =
      request.mode === 'setLevel'
        ? levelToCanonical(request.quantity, request.unit, { unitType: slot.unitType, capacity: slot.capacity })
        : toCanonical(request.quantity, request.unit, slot.unitType);
  } catch (error) {
    if (!isRestockError(error)) throw error;
    const field = error.code === UnitErrorCode.UNIT_BAD_QUANTITY ? '/body/quantity' : '/body/unit';
    throw new QueryError(QueryErrorCode.QRY_BAD_QUANTITY, 400, `${field}: ${error.message}`, {
      field,
      unitType: slot.unitType,
    });
  }
  if (request.mode === 'setLevel' && slot.capacity > 0 && canonical.quantity > slot.capacity) {
    throw new QueryError(
      QueryErrorCode.QRY_BAD_QUANTITY,
      400,
      `/body/quantity: a level of ${request.quantity} ${request.unit} is above the slot's capacity (${slot.capacity} ${canonical.unit})`,
      { field: '/body/quantity', capacity: slot.capacity, unit: canonical.unit },
    );
  }
  if (request.mode === 'addSpare' && canonical.quantity === 0) {
    throw new QueryError(QueryErrorCode.QRY_BAD_QUANTITY, 400, '/body/quantity: adding nothing changes nothing', {
      field: '/body/quantity',
    });
  }
  return {
    ...stamp(eventId, ctx),
    type: 'InventoryAdjusted',
    data: {
      slotId: slot.slotId,
      mode: request.mode,
      quantity: canonical.quantity,
      unit: canonical.unit,
      reported: { quantity: request.quantity, unit: request.unit },
      customerId: ctx.customerId,
    },
  };
}

export function slotPreferencesChanged(
  slotId: string,
  daysOfCover: number,
  ctx: CommandContext,
  eventId: string,
): SlotPreferencesChanged {
  return {
    ...stamp(eventId, ctx),
    type: 'SlotPreferencesChanged',
    data: { slotId, daysOfCover, customerId: ctx.customerId },
  };
}

export function linkDrsAccount(request: DrsLinkRequest, ctx: CommandContext, eventId: string): LinkDrsAccount {
  return {
    ...stamp(eventId, ctx),
    type: 'LinkDrsAccount',
    data: {
      customerId: ctx.customerId,
      authorizationCode: request.authorizationCode,
      redirectUri: request.redirectUri,
    },
  };
}

export function deregisterRequested(ctx: CommandContext, eventId: string): DeregisterRequested {
  return { ...stamp(eventId, ctx), type: 'DeregisterRequested', data: { customerId: ctx.customerId } };
}
