import { withTransaction } from '@restock/postgres';
import { dueStep } from '../domain/order-life.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { itemShipped } from '../sns/drs-notifications.js';
import { claimDueOrders, markDelivered, markShipped } from '../store/orders-store.js';
import { getRegistration } from '../store/registrations-store.js';

const BATCH = 100;

/**
 * Moves every order whose time has come: placed -> shipped (ItemShipped), shipped -> delivered at its
 * estimated delivery date (no notification: DRS has none). An order overdue for both steps, after a
 * long advance or a restart, takes both, so ItemShipped is never skipped.
 */
export async function advanceOrders(context: SimulatorContext): Promise<{ shipped: number; delivered: number }> {
  let shipped = 0;
  let delivered = 0;
  for (;;) {
    const claimed = await withTransaction(context.pool, async (tx) => {
      const now = context.clock.now();
      const due = await claimDueOrders(tx, now, BATCH);
      for (const order of due) {
        let status = order.status;
        for (
          let step = dueStep({ ...order, status }, now);
          step !== undefined;
          step = dueStep({ ...order, status }, now)
        ) {
          if (step === 'ship') {
            const registration = await getRegistration(tx, order.registrationId);
            if (registration === undefined) throw new Error(`order ${order.eventInstanceId} has no registration`);
            await markShipped(tx, order.eventInstanceId, now);
            await context.publisher.publish(tx, {
              registrationId: order.registrationId,
              topicArn: await topicOfModel(context, tx, registration.modelId),
              notification: itemShipped(order, registration, stampNow(context)),
            });
            context.log.info({ eventInstanceId: order.eventInstanceId }, 'order shipped');
            status = 'shipped';
            shipped++;
          } else {
            await markDelivered(tx, order.eventInstanceId, order.estimatedDeliveryAt);
            context.log.info({ eventInstanceId: order.eventInstanceId }, 'order delivered');
            status = 'delivered';
            delivered++;
          }
        }
      }
      return due.length;
    });
    if (claimed < BATCH) return { shipped, delivered };
  }
}
