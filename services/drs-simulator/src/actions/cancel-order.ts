import { type Tx, withTransaction } from '@restock/postgres';
import { cancellation, planOrder, resolution } from '../domain/order-life.js';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { orderCancelled, orderPlaced } from '../sns/drs-notifications.js';
import { getOrder, lockOpenOrders, lockOrder, markCancelled, markResolved, type Order } from '../store/orders-store.js';
import { getRegistration, getSlots, type Registration } from '../store/registrations-store.js';

async function cancelWithin(
  context: SimulatorContext,
  tx: Tx,
  order: Order,
  registration: Registration,
): Promise<void> {
  await markCancelled(tx, order.eventInstanceId, context.clock.now());
  await context.publisher.publish(tx, {
    registrationId: registration.registrationId,
    topicArn: await topicOfModel(context, tx, registration.modelId),
    notification: orderCancelled(order, registration, stampNow(context)),
  });
  context.log.info({ eventInstanceId: order.eventInstanceId, slotId: order.slotId }, 'order cancelled');
}

/** The customer cancels an order on Amazon.com, which only works within 24 h and before it ships. */
export async function cancelOrder(context: SimulatorContext, eventInstanceId: string): Promise<Order> {
  return withTransaction(context.pool, async (tx) => {
    const order = await lockOrder(tx, eventInstanceId);
    if (order === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_ORDER_UNKNOWN, 404, `No order ${eventInstanceId}`);
    }
    const allowed = cancellation(order, context.clock.now(), context.settings.orderLife);
    if (!allowed.ok) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_ORDER_NOT_CANCELLABLE,
        409,
        `Order ${eventInstanceId} cannot be cancelled: ${allowed.reason}`,
      );
    }
    const registration = await getRegistration(tx, order.registrationId);
    if (registration === undefined) throw new Error(`order ${eventInstanceId} has no registration`);
    await cancelWithin(context, tx, order, registration);
    return (await getOrder(tx, eventInstanceId)) as Order;
  });
}

/** CancelTestOrder's answer: the order state of each slot asked about. */
export type CancelTestOrdersOutcome =
  | { kind: 'not-test-device' }
  | { kind: 'unknown-slot' }
  | { kind: 'cancelled'; slotOrderStatuses: { orderStatus: 'NO_ORDER_IN_PROGRESS'; slotId: string }[] };

/**
 * CancelTestOrder (DRS-SNS-SPEC 1.3.7): cancels the open test orders of one slot or of every slot of a
 * test device. Whether DRS then sends OrderCancelled is not documented (UNVERIFIED); it is sent here, so
 * that a listener closes the order the same way whichever side cancelled it. A device that is not a test
 * device gets a 400: its real orders are cancelled only by the customer.
 */
export async function cancelTestOrders(
  context: SimulatorContext,
  registration: Registration,
  slotId: string | undefined,
): Promise<CancelTestOrdersOutcome> {
  if (!registration.isTestDevice) return { kind: 'not-test-device' };
  return withTransaction(context.pool, async (tx) => {
    const slots = await getSlots(tx, registration.registrationId);
    if (slotId !== undefined && !slots.some((slot) => slot.slotId === slotId)) return { kind: 'unknown-slot' };
    const open = await lockOpenOrders(tx, registration.registrationId);
    for (const order of open) {
      if (slotId === undefined || order.slotId === slotId) await cancelWithin(context, tx, order, registration);
    }
    const asked = slotId === undefined ? slots.map((slot) => slot.slotId) : [slotId];
    return {
      kind: 'cancelled',
      slotOrderStatuses: asked.map((id) => ({ orderStatus: 'NO_ORDER_IN_PROGRESS' as const, slotId: id })),
    };
  });
}

/**
 * The customer fixes the problem of an order in the Order Resolution Flow within its 72 h: OrderPlaced
 * goes out now, and the 24 h cancellation window and the shipping plan start from here.
 */
export async function resolveOrder(context: SimulatorContext, eventInstanceId: string): Promise<Order> {
  return withTransaction(context.pool, async (tx) => {
    const order = await lockOrder(tx, eventInstanceId);
    if (order === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_ORDER_UNKNOWN, 404, `No order ${eventInstanceId}`);
    }
    const now = context.clock.now();
    const allowed = resolution(order, now);
    if (!allowed.ok) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_ORDER_NOT_RESOLVABLE,
        409,
        `Order ${eventInstanceId} cannot be resolved: ${allowed.reason}`,
      );
    }
    const registration = await getRegistration(tx, order.registrationId);
    if (registration === undefined) throw new Error(`order ${eventInstanceId} has no registration`);
    const plan = planOrder(now, context.settings.orderLife);
    await markResolved(tx, eventInstanceId, now, plan);
    const resolved: Order = { ...order, status: 'placed', confirmedAt: now, ...plan };
    await context.publisher.publish(tx, {
      registrationId: registration.registrationId,
      topicArn: await topicOfModel(context, tx, registration.modelId),
      notification: orderPlaced(resolved, registration, stampNow(context)),
    });
    context.log.info({ eventInstanceId }, 'order resolved by the customer');
    return resolved;
  });
}
