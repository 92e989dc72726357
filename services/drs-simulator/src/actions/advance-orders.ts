import { withTransaction } from '@restock/postgres';
import { dueStep } from '../domain/order-life.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { itemShipped, orderCancelled } from '../sns/drs-notifications.js';
import { claimDueOrders, markCancelled, markDelivered, markShipped } from '../store/orders-store.js';
import { getRegistration } from '../store/registrations-store.js';

const BATCH = 100;

/** What the order life did in one pass. */
export interface OrderLifeSummary {
  shipped: number;
  delivered: number;
  /** Orders cancelled because the Order Resolution Flow ran out. */
  expired: number;
}

/**
 * Moves every order whose time has come: placed -> shipped (ItemShipped), shipped -> delivered at its
 * estimated delivery date (no notification: DRS has none), and resolving -> cancelled once its 72 h
 * are over (OrderCancelled). An order overdue for both shipping and delivery, after a long advance or
 * a restart, takes both, so ItemShipped is never skipped.
 */
export async function advanceOrders(context: SimulatorContext): Promise<OrderLifeSummary> {
  const summary: OrderLifeSummary = { shipped: 0, delivered: 0, expired: 0 };
  for (;;) {
    const claimed = await withTransaction(context.pool, async (tx) => {
      const now = context.clock.now();
      const due = await claimDueOrders(tx, now, BATCH);
      for (const order of due) {
        const registration = await getRegistration(tx, order.registrationId);
        if (registration === undefined) throw new Error(`order ${order.eventInstanceId} has no registration`);
        const topicArn = await topicOfModel(context, tx, registration.modelId);
        let status = order.status;
        for (
          let step = dueStep({ ...order, status }, now);
          step !== undefined;
          step = dueStep({ ...order, status }, now)
        ) {
          switch (step) {
            case 'expire':
              await markCancelled(tx, order.eventInstanceId, now);
              await context.publisher.publish(tx, {
                registrationId: order.registrationId,
                topicArn,
                notification: orderCancelled(order, registration, stampNow(context)),
              });
              context.log.info({ eventInstanceId: order.eventInstanceId }, 'order cancelled: not resolved in time');
              status = 'cancelled';
              summary.expired++;
              break;
            case 'ship':
              await markShipped(tx, order.eventInstanceId, now);
              await context.publisher.publish(tx, {
                registrationId: order.registrationId,
                topicArn,
                notification: itemShipped(order, registration, stampNow(context)),
              });
              context.log.info({ eventInstanceId: order.eventInstanceId }, 'order shipped');
              status = 'shipped';
              summary.shipped++;
              break;
            case 'deliver':
              await markDelivered(tx, order.eventInstanceId, order.estimatedDeliveryAt);
              context.log.info({ eventInstanceId: order.eventInstanceId }, 'order delivered');
              status = 'delivered';
              summary.delivered++;
              break;
          }
        }
      }
      return due.length;
    });
    if (claimed < BATCH) return summary;
  }
}
