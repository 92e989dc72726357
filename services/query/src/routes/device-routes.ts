import { DeviceId, SlotId } from '@restock/events';
import type { HttpApp } from '@restock/http';
import { Type } from '@sinclair/typebox';
import { slotName } from '../domain/device-record.js';
import { deviceDetail, deviceSummary, orderView, unitTypeOf } from '../domain/device-view.js';
import { historyStart, slotHistory } from '../domain/history-view.js';
import { slotNotFound } from '../domain/query-error.js';
import { DecisionList, DeviceDetail, DeviceList, OrderList, SlotHistory } from '../domain/views.js';
import { customerScope, deviceScope } from '../store/view-cache.js';
import { customerOf } from './authentication.js';
import { problemResponses } from './http-schemas.js';
import { fromStore, ownedDevice } from './owned-device.js';
import type { QueryContext } from './query-context.js';

const DeviceParams = Type.Object({ deviceId: DeviceId }, { additionalProperties: false });
const SlotParams = Type.Object({ deviceId: DeviceId, slotId: SlotId }, { additionalProperties: false });

/** The read routes of the companion app: devices, a device's slots, its orders, a slot's history and decisions. */
export function registerDeviceRoutes(app: HttpApp, ctx: QueryContext): void {
  app.get(
    '/v1/devices',
    {
      schema: {
        tags: ['devices'],
        summary: "The customer's devices, with model, marketplace and localized names",
        response: { 200: DeviceList, ...problemResponses(401, 503) },
      },
    },
    async (request) => {
      const customerId = customerOf(request);
      const entries = await fromStore(ctx, () =>
        ctx.cache.read(customerScope(customerId), 'devices', () => ctx.reader.devicesOf(customerId)),
      );
      return { devices: entries.map(deviceSummary) };
    },
  );

  app.get(
    '/v1/devices/:deviceId',
    {
      schema: {
        tags: ['devices'],
        summary: 'Every slot of the device: level, stock, shipments, burn rate, days left, auto-reorder, open order',
        description:
          "Quantities are in the marketplace's display unit (fl oz and oz in the US, l and kg elsewhere), " +
          "and canonically (ml, g, count, percent) under `canonical`. Another customer's device answers 404.",
        params: DeviceParams,
        response: { 200: DeviceDetail, ...problemResponses(401, 404, 503) },
      },
    },
    async (request) => {
      const record = await ownedDevice(ctx, customerOf(request), request.params.deviceId);
      return deviceDetail(record, ctx.clock(), ctx.view);
    },
  );

  app.get(
    '/v1/devices/:deviceId/orders',
    {
      schema: {
        tags: ['devices'],
        summary: 'The DRS orders of the device with their states and dates, newest first',
        params: DeviceParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: OrderList, ...problemResponses(401, 404, 503) },
      },
    },
    async (request) => {
      const record = await ownedDevice(ctx, customerOf(request), request.params.deviceId);
      const { limit } = request.query;
      const orders = await fromStore(ctx, () =>
        ctx.cache.read(deviceScope(record.deviceId), `orders:${limit}`, () =>
          ctx.reader.orders(record.deviceId, limit),
        ),
      );
      return { orders: orders.map((o) => orderView(record, o)) };
    },
  );

  app.get(
    '/v1/devices/:deviceId/slots/:slotId/history',
    {
      schema: {
        tags: ['slots'],
        summary: "A slot's use per day over the last N days (today included), in display and canonical units",
        params: SlotParams,
        querystring: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) },
          { additionalProperties: false },
        ),
        response: { 200: SlotHistory, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const { deviceId, slotId } = request.params;
      const record = await ownedDevice(ctx, customerOf(request), deviceId);
      const unitType = unitTypeOf(record, slotId);
      if (unitType === undefined) throw slotNotFound(deviceId, slotId);
      const now = ctx.clock();
      const since = historyStart(now, request.query.days);
      const rows = await fromStore(ctx, () =>
        ctx.cache.read(deviceScope(deviceId), `history:${slotId}:${since}`, () =>
          ctx.reader.dailyUse(deviceId, slotId, since),
        ),
      );
      return slotHistory(
        { slotId, name: slotName(record, slotId), unitType, marketplace: record.marketplace },
        rows,
        now,
        request.query.days,
      );
    },
  );

  app.get(
    '/v1/devices/:deviceId/slots/:slotId/decisions',
    {
      schema: {
        tags: ['slots'],
        summary: "The reorder policy's decisions for the slot with their reasons, newest first",
        description:
          "Read from the reorder-policy service's table on every request (not cached: a decision that orders " +
          'nothing changes no inventory, so nothing on inventory.v1 would tell the cache).',
        params: SlotParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: DecisionList, ...problemResponses(401, 404, 503) },
      },
    },
    async (request) => {
      const { deviceId, slotId } = request.params;
      const record = await ownedDevice(ctx, customerOf(request), deviceId);
      if (unitTypeOf(record, slotId) === undefined) throw slotNotFound(deviceId, slotId);
      const decisions = await fromStore(ctx, () => ctx.reader.decisions(deviceId, slotId, request.query.limit));
      return { slotId, decisions };
    },
  );
}
