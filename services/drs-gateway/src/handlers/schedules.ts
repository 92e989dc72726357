import { deterministicId } from '@restock/events';
import { type Pool, withTransaction } from '@restock/postgres';
import type { GatewayStore } from '../store/gateway-store.js';

export interface SchedulesOptions {
  pool: Pool;
  store: GatewayStore;
  clock: () => Date;
  /** ms a due status waits for its inventory revision before the newest known state is sent anyway. */
  slotStatusMaxWaitMs: number;
  /** ms after OrderPlaced by which ItemShipped should have come (DRS ships after its 24 h window). */
  orderShippedOverdueMs: number;
  /** ms between getOrderInfo checks of an order that stays overdue. */
  orderRecheckMs: number;
}

/**
 * The calls the gateway makes on its own: each is recorded as a call (with a deterministic id, so a
 * second replica or a second round records nothing new) and made by the executor like any other.
 */
export function createSchedules(options: SchedulesOptions) {
  const { pool, store } = options;

  return {
    /** Slot statuses whose coalescing window has closed become one slotStatus call per slot. */
    async slotStatuses(): Promise<number> {
      const now = options.clock();
      return withTransaction(pool, async (tx) => {
        let recorded = 0;
        for (const due of await store.dueSlotStatuses(tx, now)) {
          const state = await store.inventory(tx, due.device_id, due.slot_id);
          const waited = now.getTime() - due.first_due_at.getTime();
          // The state the request was made for has not arrived yet (another topic): wait a little.
          if ((state === null || state.revision < due.min_revision) && waited < options.slotStatusMaxWaitMs) continue;
          await store.recordCall(tx, {
            callId: deterministicId(
              'slotStatus',
              due.device_id,
              due.slot_id,
              due.min_revision,
              due.first_due_at.toISOString(),
            ),
            operation: 'slotStatus',
            commandType: 'SlotStatusDue',
            deviceId: due.device_id,
            slotId: due.slot_id,
            payload: {
              revision: due.min_revision,
              expectedReplenishmentAt: due.expected_replenishment_at?.toISOString() ?? null,
            },
            notBefore: now,
            createdAt: now,
          });
          await store.deleteSlotStatusDue(tx, due.device_id, due.slot_id);
          recorded++;
        }
        return recorded;
      });
    },

    /** Once per UTC day, a deviceStatus call for every registered device that has tokens. */
    async deviceStatuses(): Promise<number> {
      const now = options.clock();
      const day = now.toISOString().slice(0, 10);
      let recorded = 0;
      for (const deviceId of await store.linkedRegisteredDevices(pool)) {
        await withTransaction(pool, async (tx) => {
          if (!(await store.claimDeviceStatusDay(tx, deviceId, day))) return;
          const active = (await store.lastActivity(tx, deviceId)) ?? now;
          await store.recordCall(tx, {
            callId: deterministicId('deviceStatus', deviceId, day),
            operation: 'deviceStatus',
            commandType: 'DeviceStatusDue',
            deviceId,
            slotId: null,
            payload: { mostRecentlyActiveDate: active.toISOString() },
            notBefore: now,
            createdAt: now,
          });
          recorded++;
        });
      }
      return recorded;
    },

    /**
     * Orders this gateway placed whose notifications are overdue get a getOrderInfo: no OrderPlaced
     * an hour after the answer (it may be in DRS's Order Resolution Flow, or the notification was
     * lost), or no ItemShipped long after OrderPlaced.
     */
    async overdueOrders(): Promise<number> {
      const now = options.clock();
      return withTransaction(pool, async (tx) => {
        let recorded = 0;
        for (const order of await store.dueWatchedOrders(tx, now)) {
          const state = await store.orderState(tx, order.device_id, order.instance_id);
          if (state === 'shipped' || state === 'cancelled' || state === 'arrived') {
            await store.finishWatchedOrder(tx, order.instance_id);
            continue;
          }
          const shipBy = order.answered_at.getTime() + options.orderShippedOverdueMs;
          if (state === 'placed' && now.getTime() < shipBy) {
            await store.rescheduleWatchedOrder(tx, order.instance_id, new Date(shipBy), false);
            continue;
          }
          await store.recordCall(tx, {
            callId: deterministicId('getOrderInfo', order.instance_id, order.checks),
            operation: 'getOrderInfo',
            commandType: 'OrderNotificationOverdue',
            deviceId: order.device_id,
            slotId: order.slot_id,
            payload: { instanceId: order.instance_id },
            notBefore: now,
            createdAt: now,
          });
          await store.rescheduleWatchedOrder(
            tx,
            order.instance_id,
            new Date(now.getTime() + options.orderRecheckMs),
            true,
          );
          recorded++;
        }
        return recorded;
      });
    },
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
