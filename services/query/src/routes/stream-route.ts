import { DeviceId } from '@restock/events';
import { type HttpApp, REQUEST_ID_HEADER } from '@restock/http';
import { Type } from '@sinclair/typebox';
import { deviceDetail } from '../domain/device-view.js';
import { customerOf } from './authentication.js';
import { DeviceStream } from './device-stream.js';
import { problemResponses } from './http-schemas.js';
import { ownedDevice } from './owned-device.js';
import type { QueryContext } from './query-context.js';

/**
 * `GET /v1/devices/{deviceId}/stream`: server-sent events with every change of the device's slots and
 * orders. Streams still open when the app closes are ended first, or the server would wait for them.
 */
export function registerStreamRoute(app: HttpApp, ctx: QueryContext): void {
  const open = new Set<DeviceStream>();
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.close();
  });

  app.get(
    '/v1/devices/:deviceId/stream',
    {
      schema: {
        tags: ['devices'],
        summary: "Server-sent events: every change of the device's slots and orders",
        description:
          'First a `snapshot` event (the device as GET /v1/devices/{deviceId} answers it), then a `slot` event per ' +
          "change of a slot (its level, stock, shipments on the way, open order, auto-reorder) in the marketplace's " +
          'units; comments as heartbeats. Reconnect with `Last-Event-ID` to receive exactly the changes after it ' +
          '(or, when they are no longer kept, a fresh snapshot).',
        params: Type.Object({ deviceId: DeviceId }, { additionalProperties: false }),
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ maxLength: 64, description: 'The id of the last event received' }),
          ),
        }),
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...problemResponses(401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const record = await ownedDevice(ctx, customerOf(request), request.params.deviceId);
      const customerId = record.customerId;
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Proxies (nginx) must pass events through as they come, not buffer them.
        'x-accel-buffering': 'no',
        [REQUEST_ID_HEADER]: request.id,
      });
      const stream = new DeviceStream({
        res: reply.raw,
        deviceId: record.deviceId,
        device: record,
        changeLog: ctx.changeLog,
        hub: ctx.hub,
        snapshot: async () => {
          const fresh = await ownedDevice(ctx, customerId ?? '', record.deviceId);
          return deviceDetail(fresh, ctx.clock(), ctx.view);
        },
        heartbeatMs: ctx.heartbeatMs,
        log: ctx.log,
        onClose: () => {
          open.delete(stream);
          ctx.metrics.openStreams.add(-1);
        },
      });
      open.add(stream);
      ctx.metrics.openStreams.add(1);
      // A client gone before the stream existed fires no 'close' for it.
      if (reply.raw.destroyed) {
        stream.close();
        return;
      }
      await stream.open(request.headers['last-event-id']);
    },
  );
}
