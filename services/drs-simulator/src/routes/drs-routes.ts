import type { HttpApp } from '@restock/http';
import { withTransaction } from '@restock/postgres';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cancelTestOrders } from '../actions/cancel-order.js';
import { deregisterWithin } from '../actions/deregister-device.js';
import { authenticate } from '../actions/lwa-grants.js';
import { replenish } from '../actions/place-order.js';
import {
  ACCEPT_TYPE_HEADER,
  checkVersionHeaders,
  DRS_OPERATION_TYPES,
  type DrsOperation,
  TYPE_VERSION_HEADER,
} from '../domain/drs-api-versions.js';
import { orderInfoStatus } from '../domain/order-life.js';
import { subscriptionInfoV1, subscriptionInfoV2 } from '../domain/slot-subscription.js';
import type { SimulatorContext } from '../simulator-context.js';
import { getOrder } from '../store/orders-store.js';
import { getSlots, lockRegistration, type Registration } from '../store/registrations-store.js';
import { saveDeviceStatus, saveSlotStatus } from '../store/statuses-store.js';
import { applyApiFaults } from './api-faults.js';

/** The error body every DRS failure has (DRS-SNS-SPEC 1.3.8). */
interface DrsErrorBody {
  message: string;
}

const INVALID_TOKEN: DrsErrorBody = { message: 'Invalid token' };
// DRS's body for its own 500 is not documented; a message like its other errors.
const INTERNAL_ERROR: DrsErrorBody = { message: 'Internal Server Error' };

// ISO 8601 date-time as DRS's samples write it: `2015-12-28T10:00:00Z`, with optional fraction and offset.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

type DrsHandler = (call: {
  registration: Registration;
  request: FastifyRequest;
  reply: FastifyReply;
  resultType: string;
}) => Promise<unknown>;

/**
 * The DRS REST API (DRS-SNS-SPEC 1.2-1.3) on its documented paths. This plugin answers in DRS's own error
 * shape, `{"message": ...}`, not Restock's problem+json: it stands in for Amazon's wire format, which is
 * what the gateway must be written against, so it has its own error handler and JSON parser.
 */
export async function drsRoutes(app: HttpApp, context: SimulatorContext): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      request.log.info({ err: error }, 'drs call rejected');
      return reply.code(400).send({ message: (error as Error).message } satisfies DrsErrorBody);
    }
    request.log.error({ err: error }, 'drs call failed');
    return reply.code(500).send(INTERNAL_ERROR);
  });

  // Clients differ in whether a body-less POST carries `Content-Type: application/json`; DRS takes both.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (_request, reply) => {
    // Returning the reply ends the call here when the fault answered it.
    return (await applyApiFaults(context.faults, reply, { ...INTERNAL_ERROR })) ? reply : undefined;
  });

  /** Checks the version headers, then the token, then runs the handler; sets the result type header. */
  function drsCall(operation: DrsOperation, handler: DrsHandler) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const versions = checkVersionHeaders(
        operation,
        headerOf(request, TYPE_VERSION_HEADER),
        headerOf(request, ACCEPT_TYPE_HEADER),
      );
      if (!versions.ok) return reply.code(400).send({ message: versions.message } satisfies DrsErrorBody);
      const token = bearerToken(request);
      const registration = token === undefined ? undefined : await authenticate(context, token);
      if (registration === undefined) return reply.code(400).send(INVALID_TOKEN);
      reply.header(TYPE_VERSION_HEADER, versions.resultType);
      return handler({ registration, request, reply, resultType: versions.resultType });
    };
  }

  app.post(
    '/replenish/:slotId',
    drsCall('replenish', async ({ registration, request, reply }) => {
      const { slotId } = request.params as { slotId: string };
      const outcome = await replenish(context, registration, slotId);
      switch (outcome.kind) {
        case 'unknown-slot':
          // The 404 body is not documented (UNVERIFIED); same message shape as the other errors.
          return reply.code(404).send({ message: `Unable to place order - slot : ${slotId} does not exist.` });
        case 'unsubscribed':
          return reply.code(400).send({ message: `Unable to place order - slot : ${slotId} is unsubscribed.` });
        case 'in-progress':
          return reply.code(200).send({ eventInstanceId: outcome.eventInstanceId, detailCode: 'ORDER_INPROGRESS' });
        case 'placed':
          return reply
            .code(200)
            .send({ eventInstanceId: outcome.order.eventInstanceId, detailCode: outcome.detailCode });
      }
    }),
  );

  app.post(
    '/slotStatus/:slotId',
    drsCall('slotStatus', async ({ registration, request, reply }) => {
      const { slotId } = request.params as { slotId: string };
      const problem = slotStatusProblem(request.body);
      if (problem !== undefined) return reply.code(400).send({ message: problem });
      const slots = await getSlots(context.pool, registration.registrationId);
      if (!slots.some((slot) => slot.slotId === slotId)) {
        // Only replenish documents a 404; SlotStatus documents 400 for client errors.
        return reply.code(400).send({ message: `Unknown slot : ${slotId}` });
      }
      await saveSlotStatus(context.pool, {
        registrationId: registration.registrationId,
        slotId,
        status: request.body as Record<string, unknown>,
        receivedAt: context.clock.now(),
      });
      return reply.code(200).send();
    }),
  );

  app.post(
    '/deviceStatus',
    drsCall('deviceStatus', async ({ registration, request, reply }) => {
      const body = request.body as Record<string, unknown> | undefined;
      const date = body?.['mostRecentlyActiveDate'];
      if (!isIsoDate(date)) {
        return reply.code(400).send({ message: 'mostRecentlyActiveDate is required, an ISO 8601 date-time' });
      }
      await saveDeviceStatus(context.pool, {
        registrationId: registration.registrationId,
        mostRecentlyActiveDate: date,
        receivedAt: context.clock.now(),
      });
      return reply.code(200).send();
    }),
  );

  app.get(
    '/subscriptionInfo',
    drsCall('subscriptionInfo', async ({ registration, reply, resultType }) => {
      const slots = await getSlots(context.pool, registration.registrationId);
      const v2 = resultType === DRS_OPERATION_TYPES.subscriptionInfo.results[1];
      return reply.code(200).send(v2 ? subscriptionInfoV2(slots, registration.marketplace) : subscriptionInfoV1(slots));
    }),
  );

  app.get(
    '/getOrderInfo/:eventInstanceId',
    drsCall('orderInfo', async ({ registration, request, reply }) => {
      const { eventInstanceId } = request.params as { eventInstanceId: string };
      const order = await getOrder(context.pool, eventInstanceId);
      if (order === undefined || order.registrationId !== registration.registrationId) {
        // Documented errors are 400 and 500 only; another device's order is as unknown as a missing one.
        return reply.code(400).send({ message: `Unable to find order : ${eventInstanceId}` });
      }
      return reply.code(200).send({
        orderInfoData: {
          instanceId: order.eventInstanceId,
          orderItems: [
            {
              asin: order.asin,
              // No date while the order waits for resolution (DRS-SNS-SPEC 1.3.5), nor once cancelled.
              expectedDeliveryDate:
                order.status === 'cancelled' || order.status === 'resolving'
                  ? null
                  : order.estimatedDeliveryAt.toISOString(),
              // One item of the ASIN per DRS order; the product size travels in the notifications.
              quantity: 1,
              slotId: order.slotId,
              status: orderInfoStatus(order.status),
            },
          ],
        },
      });
    }),
  );

  async function deregister(registration: Registration, reply: FastifyReply) {
    await withTransaction(context.pool, async (tx) => {
      const locked = await lockRegistration(tx, registration.registrationId);
      if (locked !== undefined && locked.deregisteredAt === null) await deregisterWithin(context, tx, locked);
    });
    return reply.code(200).send();
  }

  app.delete(
    '/registration',
    drsCall('deregisterV2', async ({ registration, reply }) => deregister(registration, reply)),
  );

  app.delete(
    '/deviceModels/:modelId/devices/:serial/registration',
    drsCall('deregisterV1', async ({ registration, request, reply }) => {
      const { modelId, serial } = request.params as { modelId: string; serial: string };
      if (modelId !== registration.modelId || serial !== registration.serialNumber) {
        // The token names one device; it cannot deregister another (UNVERIFIED text).
        return reply.code(400).send({ message: `The token does not belong to device ${modelId}/${serial}` });
      }
      return deregister(registration, reply);
    }),
  );

  async function cancelTests(registration: Registration, slotId: string | undefined, reply: FastifyReply) {
    const outcome = await cancelTestOrders(context, registration, slotId);
    switch (outcome.kind) {
      case 'not-test-device':
        return reply.code(400).send({ message: 'Test orders can be cancelled only for a test device' });
      case 'unknown-slot':
        return reply.code(400).send({ message: `Unknown slot : ${slotId}` });
      case 'cancelled':
        return reply.code(200).send({ slotOrderStatuses: outcome.slotOrderStatuses });
    }
  }

  app.delete(
    '/testOrders',
    drsCall('cancelTestOrders', async ({ registration, reply }) => cancelTests(registration, undefined, reply)),
  );

  app.delete(
    '/testOrders/slots/:slotId',
    drsCall('cancelTestOrders', async ({ registration, request, reply }) =>
      cancelTests(registration, (request.params as { slotId: string }).slotId, reply),
    ),
  );
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * What is wrong with a SlotStatus body, if anything. Every field is documented as required; quantities
 * are documented as integers but the documentation's own sample sends 3.5, so any number >= 0 passes.
 * Unknown fields are ignored, as DRS may add some.
 */
function slotStatusProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['expectedReplenishmentDate', 'lastUseDate']) {
    if (!isIsoDate(fields[key])) problems.push(`${key} must be an ISO 8601 date-time`);
  }
  for (const key of ['remainingQuantityInUnit', 'originalQuantityInUnit', 'totalQuantityOnHand']) {
    const value = fields[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`${key} must be a number >= 0`);
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}
