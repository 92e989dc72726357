import { withTransaction } from '@restock/postgres';
import { decideReplenish, planOrder, resolutionDeadline } from '../domain/order-life.js';
import { newEventInstanceId } from '../identifiers.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { orderPlaced } from '../sns/drs-notifications.js';
import { findOpenOrder, insertOrder, type Order } from '../store/orders-store.js';
import { lockRegistration, lockSlot, type Registration } from '../store/registrations-store.js';

/** What a replenish call came to. */
export type ReplenishOutcome =
  | { kind: 'unknown-slot' }
  | { kind: 'unsubscribed' }
  | { kind: 'in-progress'; eventInstanceId: string }
  | { kind: 'placed'; detailCode: 'STANDARD_ORDER_PLACED' | 'TEST_ORDER_PLACED'; order: Order };

/**
 * The replenish call (DRS-SNS-SPEC 1.3.1). The slot row is locked for the decision, so concurrent calls
 * on one slot place at most one order (and a unique index backs that up); a placed order publishes
 * OrderPlaced at once, as on Amazon when the order hits no problem.
 */
export async function replenish(
  context: SimulatorContext,
  registration: Registration,
  slotId: string,
): Promise<ReplenishOutcome> {
  return withTransaction(context.pool, async (tx) => {
    await lockRegistration(tx, registration.registrationId);
    const slot = await lockSlot(tx, registration.registrationId, slotId);
    if (slot === undefined) return { kind: 'unknown-slot' };
    const open = await findOpenOrder(tx, registration.registrationId, slotId);
    const decision = decideReplenish(
      slot,
      open === undefined ? undefined : { eventInstanceId: open.eventInstanceId },
      registration.isTestDevice,
    );
    if (decision.kind !== 'place') return decision;

    const placedAt = context.clock.now();
    // DRS answers STANDARD_ORDER_PLACED even for an order that hits a problem: only the missing
    // OrderPlaced tells (DRS-SNS-SPEC 1.3.1).
    const resolving = context.faults.orderNeedsResolution();
    const order: Order = {
      eventInstanceId: newEventInstanceId(),
      registrationId: registration.registrationId,
      slotId,
      asin: decision.asin,
      quantity: slot.quantity,
      unit: slot.unit,
      unitType: slot.unitType,
      isTest: registration.isTestDevice,
      status: resolving ? 'resolving' : 'placed',
      placedAt,
      confirmedAt: resolving ? null : placedAt,
      resolveBy: resolving ? resolutionDeadline(placedAt, context.settings.orderLife) : null,
      // A resolving order is planned again when resolved; until then this plan is not used.
      ...planOrder(placedAt, context.settings.orderLife),
      shippedAt: null,
      deliveredAt: null,
      cancelledAt: null,
    };
    await insertOrder(tx, order);
    if (!resolving) {
      await context.publisher.publish(tx, {
        registrationId: registration.registrationId,
        topicArn: await topicOfModel(context, tx, registration.modelId),
        notification: orderPlaced(order, registration, stampNow(context)),
      });
    }
    context.log.info(
      {
        eventInstanceId: order.eventInstanceId,
        registrationId: registration.registrationId,
        slotId,
        test: order.isTest,
        resolving,
      },
      resolving ? 'order placed, awaiting resolution by the customer' : 'order placed',
    );
    return { kind: 'placed', detailCode: decision.detailCode, order };
  });
}
