import type { HttpApp } from '@restock/http';
import { cancelOrder, resolveOrder } from '../actions/cancel-order.js';
import { changeSlotSubscription } from '../actions/change-slot.js';
import { deregisterDevice } from '../actions/deregister-device.js';
import { registerDevice, relinkDevice } from '../actions/register-device.js';
import { subscribeEndpoint, unsubscribeEndpoint } from '../actions/sns-subscriptions.js';
import { completeFaults, noFaults } from '../domain/faults.js';
import { productUnitType } from '../domain/product-quantity.js';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import type { SimulatorContext } from '../simulator-context.js';
import { listDeliveries } from '../store/deliveries-store.js';
import { getModel, listModels, type SlotDefinition, upsertModel } from '../store/models-store.js';
import { listNotifications } from '../store/notifications-store.js';
import { getOrder, listOrders } from '../store/orders-store.js';
import { getRegistration, getSlots, listRegistrations } from '../store/registrations-store.js';
import { listDeviceStatuses, listSlotStatuses } from '../store/statuses-store.js';
import { listSubscriptions } from '../store/subscriptions-store.js';
import { expireAccessTokens } from '../store/tokens-store.js';
import type { Ticker } from '../ticker.js';
import {
  AdvanceInput,
  ByRegistrationQuery,
  DeliveriesQuery,
  DeviceModelInput,
  ExpireTokensInput,
  FaultsInput,
  ModelParams,
  NotificationsQuery,
  OrderParams,
  OrdersQuery,
  RegistrationInput,
  RegistrationParams,
  RegistrationsQuery,
  RelinkInput,
  SlotChangeInput,
  SlotParams,
  SubscribeInput,
  SubscriptionParams,
} from './control-schemas.js';

/**
 * The customers' side and the test harness, under `/control/v1`: device models, registrations (which
 * hand out the LWA code), slot choices, cancellations, deregistration, SNS subscriptions, faults, the
 * clock, and read-only views of everything. No authentication: the simulator is a dev and test tool
 * that listens on 127.0.0.1. Errors are Restock problem+json documents.
 */
export async function controlRoutes(
  app: HttpApp,
  options: { context: SimulatorContext; ticker: Ticker },
): Promise<void> {
  const { context, ticker } = options;
  const { pool } = context;

  app.put('/device-models/:modelId', { schema: { params: ModelParams, body: DeviceModelInput } }, async (request) => {
    const model = await upsertModel(
      pool,
      {
        modelId: request.params.modelId,
        topicArn: request.body.topicArn ?? null,
        slots: slotDefinitions(request.body.slots),
      },
      context.clock.now(),
    );
    return { ...model, topicArn: model.topicArn ?? context.settings.defaultTopicArn };
  });

  app.get('/device-models', async () => ({ deviceModels: await listModels(pool) }));

  app.get('/device-models/:modelId', { schema: { params: ModelParams } }, async (request) => {
    const model = await getModel(pool, request.params.modelId);
    if (model === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_MODEL_UNKNOWN, 404, `No device model ${request.params.modelId}`);
    }
    return { ...model, topicArn: model.topicArn ?? context.settings.defaultTopicArn };
  });

  app.post('/registrations', { schema: { body: RegistrationInput } }, async (request, reply) => {
    const body = request.body;
    const result = await registerDevice(context, {
      ...body,
      slots: body.slots === undefined ? undefined : slotDefinitions(body.slots),
    });
    return reply.code(201).send(result);
  });

  app.get('/registrations', { schema: { querystring: RegistrationsQuery } }, async (request) => ({
    registrations: await listRegistrations(pool, request.query),
  }));

  app.get('/registrations/:registrationId', { schema: { params: RegistrationParams } }, async (request) => {
    const registration = await getRegistration(pool, request.params.registrationId);
    if (registration === undefined) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_REGISTRATION_UNKNOWN,
        404,
        `No registration ${request.params.registrationId}`,
      );
    }
    return { registration, slots: await getSlots(pool, registration.registrationId) };
  });

  app.post(
    '/registrations/:registrationId/authorization-codes',
    { schema: { params: RegistrationParams, body: RelinkInput } },
    async (request, reply) =>
      reply.code(201).send(await relinkDevice(context, request.params.registrationId, request.body.redirectUri)),
  );

  app.delete('/registrations/:registrationId', { schema: { params: RegistrationParams } }, async (request) => ({
    registration: await deregisterDevice(context, request.params.registrationId),
  }));

  app.patch(
    '/registrations/:registrationId/slots/:slotId',
    { schema: { params: SlotParams, body: SlotChangeInput } },
    async (request) =>
      changeSlotSubscription(context, request.params.registrationId, request.params.slotId, request.body),
  );

  app.post('/registrations/:registrationId/slots/:slotId/pause', { schema: { params: SlotParams } }, async (request) =>
    changeSlotSubscription(context, request.params.registrationId, request.params.slotId, { subscribed: false }),
  );

  app.post('/registrations/:registrationId/slots/:slotId/resume', { schema: { params: SlotParams } }, async (request) =>
    changeSlotSubscription(context, request.params.registrationId, request.params.slotId, { subscribed: true }),
  );

  app.get('/orders', { schema: { querystring: OrdersQuery } }, async (request) => ({
    orders: await listOrders(pool, request.query),
  }));

  app.get('/orders/:eventInstanceId', { schema: { params: OrderParams } }, async (request) => {
    const order = await getOrder(pool, request.params.eventInstanceId);
    if (order === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_ORDER_UNKNOWN, 404, `No order ${request.params.eventInstanceId}`);
    }
    return order;
  });

  app.post('/orders/:eventInstanceId/cancel', { schema: { params: OrderParams } }, async (request) =>
    cancelOrder(context, request.params.eventInstanceId),
  );

  app.post('/orders/:eventInstanceId/resolve', { schema: { params: OrderParams } }, async (request) =>
    resolveOrder(context, request.params.eventInstanceId),
  );

  app.get('/slot-statuses', { schema: { querystring: ByRegistrationQuery } }, async (request) => ({
    slotStatuses: await listSlotStatuses(pool, request.query.registrationId),
  }));

  app.get('/device-statuses', { schema: { querystring: ByRegistrationQuery } }, async (request) => ({
    deviceStatuses: await listDeviceStatuses(pool, request.query.registrationId),
  }));

  app.get('/notifications', { schema: { querystring: NotificationsQuery } }, async (request) => ({
    notifications: await listNotifications(pool, request.query),
  }));

  app.post('/sns/subscriptions', { schema: { body: SubscribeInput } }, async (request, reply) => {
    const { subscription, created } = await subscribeEndpoint(
      context,
      request.body.endpoint,
      request.body.topic ?? context.settings.defaultTopicArn,
    );
    return reply.code(created ? 201 : 200).send(subscriptionView(subscription));
  });

  app.get('/sns/subscriptions', async () => ({
    subscriptions: (await listSubscriptions(pool)).map(subscriptionView),
  }));

  app.delete('/sns/subscriptions/:subscriptionArn', { schema: { params: SubscriptionParams } }, async (request) => {
    const subscription = await unsubscribeEndpoint(context, request.params.subscriptionArn);
    if (subscription === undefined) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_SUBSCRIPTION_UNKNOWN,
        404,
        `No live subscription ${request.params.subscriptionArn}`,
      );
    }
    return subscriptionView(subscription);
  });

  app.get('/deliveries', { schema: { querystring: DeliveriesQuery } }, async (request) => ({
    deliveries: await listDeliveries(pool, request.query),
  }));

  app.get('/faults', async () => context.faults.settings());

  app.put('/faults', { schema: { body: FaultsInput } }, async (request) => {
    const settings = completeFaults(request.body.seed ?? context.faults.settings().seed, request.body);
    await context.faults.set(settings);
    request.log.info({ faults: settings }, 'faults set');
    return settings;
  });

  app.delete('/faults', async () => {
    const settings = noFaults(context.faults.settings().seed);
    await context.faults.set(settings);
    return settings;
  });

  app.post('/tokens/expire', { schema: { body: ExpireTokensInput } }, async (request) => ({
    expired: await expireAccessTokens(pool, context.clock.realNow(), request.body.registrationId),
  }));

  app.get('/clock', async () => clockView(context));

  app.post('/clock/advance', { schema: { body: AdvanceInput } }, async (request) => {
    await context.clock.advance(request.body.seconds);
    return { ...clockView(context), tick: await ticker.tick() };
  });

  app.post('/clock/tick', async () => ({ ...clockView(context), tick: await ticker.tick() }));
}

function slotDefinitions(
  slots: readonly { slotId: string; asin: string; quantity: number; unit: string; unitType?: string | undefined }[],
): SlotDefinition[] {
  const seen = new Set<string>();
  return slots.map((slot) => {
    if (seen.has(slot.slotId)) {
      throw new SimulatorError(SimulatorErrorCode.SIM_MODEL_INVALID, 400, `Slot ${slot.slotId} is defined twice`);
    }
    seen.add(slot.slotId);
    return { ...slot, unitType: productUnitType(slot.unit, slot.unitType) };
  });
}

function subscriptionView(subscription: {
  subscriptionArn: string;
  topicArn: string;
  endpoint: string;
  status: string;
  createdAt: Date;
  confirmedAt: Date | null;
  deletedAt: Date | null;
}) {
  // The token stays inside: only the endpoint, through its SubscribeURL, may confirm.
  const { subscriptionArn, topicArn, endpoint, status, createdAt, confirmedAt, deletedAt } = subscription;
  return { subscriptionArn, topicArn, endpoint, status, createdAt, confirmedAt, deletedAt };
}

function clockView(context: SimulatorContext) {
  return {
    now: context.clock.now().toISOString(),
    realNow: context.clock.realNow().toISOString(),
    scale: context.clock.scale,
  };
}
