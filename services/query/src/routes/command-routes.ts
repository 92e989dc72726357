import { DeviceId, SlotId } from '@restock/events';
import type { HttpApp } from '@restock/http';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  adjustInventory,
  type CommandContext,
  commandEventId,
  deregisterRequested,
  linkDrsAccount,
  requestDigest,
  slotPreferencesChanged,
} from '../domain/customer-commands.js';
import { modelSlotOf, unitTypeOf } from '../domain/device-view.js';
import { slotNotFound } from '../domain/query-error.js';
import { AdjustmentRequest, DrsLinkRequest, PreferencesRequest } from '../domain/requests.js';
import { Accepted, AdjustmentAccepted, PreferencesView } from '../domain/views.js';
import type { IdempotentRequest } from '../store/command-store.js';
import { deviceScope } from '../store/view-cache.js';
import { customerOf } from './authentication.js';
import { IdempotencyHeaders, problemResponses } from './http-schemas.js';
import { fromStore, ownedDevice } from './owned-device.js';
import type { QueryContext } from './query-context.js';

const DeviceParams = Type.Object({ deviceId: DeviceId }, { additionalProperties: false });
const SlotParams = Type.Object({ deviceId: DeviceId, slotId: SlotId }, { additionalProperties: false });

function commandContext(
  ctx: QueryContext,
  request: FastifyRequest,
  deviceId: string,
  idempotencyKey: string | undefined,
): CommandContext {
  return { customerId: customerOf(request), deviceId, now: ctx.clock(), idempotencyKey };
}

function idempotent(kind: string, cmd: CommandContext, body: unknown): IdempotentRequest | undefined {
  if (cmd.idempotencyKey === undefined) return undefined;
  return { kind, customerId: cmd.customerId, deviceId: cmd.deviceId, digest: requestDigest(kind, cmd, body) };
}

/**
 * The routes that change something: each writes its event to the outbox in one transaction with the
 * rows it belongs to and answers once that committed (202: accepted and durable; the relay publishes).
 */
export function registerCommandRoutes(app: HttpApp, ctx: QueryContext): void {
  app.post(
    '/v1/devices/:deviceId/slots/:slotId/adjustments',
    {
      schema: {
        tags: ['slots'],
        summary: 'Set the level, or add supplies bought outside DRS; publishes InventoryAdjusted',
        description:
          "The quantity is converted exactly to the slot's canonical unit from any spelling of a unit of its type " +
          '(a level in % is a share of a full refill). A negative quantity, an unknown unit or one of another ' +
          'type answers 400 naming the field.',
        params: SlotParams,
        headers: IdempotencyHeaders,
        body: AdjustmentRequest,
        response: { 202: AdjustmentAccepted, ...problemResponses(400, 401, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { deviceId, slotId } = request.params;
      const cmd = commandContext(ctx, request, deviceId, request.headers['idempotency-key']);
      const record = await ownedDevice(ctx, cmd.customerId, deviceId);
      const unitType = unitTypeOf(record, slotId);
      if (unitType === undefined) throw slotNotFound(deviceId, slotId);
      const capacity =
        record.slots.find((s) => s.slotId === slotId)?.capacity ?? modelSlotOf(record, slotId)?.capacity ?? 0;
      const eventId = commandEventId('adjustment', cmd, slotId);
      const event = adjustInventory(request.body, { slotId, unitType, capacity }, cmd, eventId);
      const answer = {
        eventId,
        slotId,
        mode: event.data.mode,
        canonical: { quantity: event.data.quantity, unit: event.data.unit },
      };
      const accepted = await fromStore(ctx, () =>
        ctx.commands.adjust(event, idempotent('adjustment', cmd, { slotId, ...request.body }), answer, cmd.now),
      );
      if (!accepted.replayed) ctx.metrics.published.add(1, { type: event.type });
      return reply.code(202).send(accepted.answer);
    },
  );

  app.put(
    '/v1/devices/:deviceId/slots/:slotId/preferences',
    {
      schema: {
        tags: ['slots'],
        summary: "The slot's days of cover; stored and published as SlotPreferencesChanged for the reorder policy",
        params: SlotParams,
        body: PreferencesRequest,
        response: { 200: PreferencesView, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const { deviceId, slotId } = request.params;
      // PUT is idempotent by itself: the same value again publishes nothing.
      const cmd = commandContext(ctx, request, deviceId, undefined);
      const record = await ownedDevice(ctx, cmd.customerId, deviceId);
      if (unitTypeOf(record, slotId) === undefined) throw slotNotFound(deviceId, slotId);
      const event = slotPreferencesChanged(
        slotId,
        request.body.daysOfCover,
        cmd,
        commandEventId('preferences', cmd, slotId),
      );
      const stored = await fromStore(ctx, () => ctx.commands.setPreferences(event));
      if (stored.changed) {
        ctx.metrics.published.add(1, { type: event.type });
        // After the commit: a view re-read before it would be cached with the old value.
        await ctx.cache.invalidate([deviceScope(deviceId)]);
      }
      return { slotId, daysOfCover: request.body.daysOfCover, eventId: stored.eventId };
    },
  );

  app.post(
    '/v1/devices/:deviceId/drs-link',
    {
      schema: {
        tags: ['drs'],
        summary: 'Link the device to Amazon Dash Replenishment with a Login with Amazon code; publishes LinkDrsAccount',
        description:
          'The gateway exchanges the code for tokens; DRS then reports the registration, which shows in ' +
          '`drs.registered` of the device. The code is never logged.',
        params: DeviceParams,
        headers: IdempotencyHeaders,
        body: DrsLinkRequest,
        response: { 202: Accepted, ...problemResponses(400, 401, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { deviceId } = request.params;
      const cmd = commandContext(ctx, request, deviceId, request.headers['idempotency-key']);
      await ownedDevice(ctx, cmd.customerId, deviceId);
      const event = linkDrsAccount(request.body, cmd, commandEventId('drs-link', cmd));
      const accepted = await fromStore(ctx, () =>
        ctx.commands.command(event, idempotent('drs-link', cmd, request.body), cmd.now),
      );
      if (!accepted.replayed) ctx.metrics.published.add(1, { type: event.type });
      return reply.code(202).send({ eventId: accepted.eventId });
    },
  );

  app.delete(
    '/v1/devices/:deviceId/drs-link',
    {
      schema: {
        tags: ['drs'],
        summary: 'Unlink the device from Amazon Dash Replenishment; publishes DeregisterRequested',
        params: DeviceParams,
        headers: IdempotencyHeaders,
        response: { 202: Accepted, ...problemResponses(401, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { deviceId } = request.params;
      const cmd = commandContext(ctx, request, deviceId, request.headers['idempotency-key']);
      await ownedDevice(ctx, cmd.customerId, deviceId);
      const event = deregisterRequested(cmd, commandEventId('drs-unlink', cmd));
      const accepted = await fromStore(ctx, () =>
        ctx.commands.command(event, idempotent('drs-unlink', cmd, {}), cmd.now),
      );
      if (!accepted.replayed) ctx.metrics.published.add(1, { type: event.type });
      return reply.code(202).send({ eventId: accepted.eventId });
    },
  );
}
