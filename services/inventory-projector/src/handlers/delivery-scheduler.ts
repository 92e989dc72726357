import { createCodec, deterministicId, type ShipmentArrived, Topics } from '@restock/events';
import { type BusLog, enqueueEvents } from '@restock/kafka';
import { type Pool, quoteIdent, withTransaction } from '@restock/postgres';

const ordersCodec = createCodec(Topics.orders);

export interface DeliverySchedulerOptions {
  pool: Pool;
  schema: string;
  ordersTopic: string;
  clock: () => Date;
  log: BusLog;
  /** ms between looks at the due shipments. */
  interval?: number;
  batchSize?: number;
}

/**
 * Turns shipments into stock at their estimated delivery date: for every shipped order whose date
 * has come (including dates already past at start-up) it writes one ShipmentArrived to orders.v1
 * through the outbox and marks the order in the same transaction, so each arrival is emitted exactly
 * once across restarts. The event's id is derived from the order, so even a second emission (e.g.
 * after a rebuild swapped the tables) is the same event and is de-duplicated by the projector.
 */
export function createDeliveryScheduler(options: DeliverySchedulerOptions) {
  const s = quoteIdent(options.schema);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function emitDue(): Promise<number> {
    const now = options.clock();
    return withTransaction(options.pool, async (tx) => {
      const due = await tx.query<{
        device_id: string;
        instance_id: string;
        slot_id: string;
        quantity: number;
        estimated_delivery_at: Date;
      }>(
        `SELECT device_id, instance_id, slot_id, quantity, estimated_delivery_at FROM ${s}.orders
         WHERE state = 'shipped' AND NOT arrival_emitted AND estimated_delivery_at <= $1 AND quantity IS NOT NULL
         ORDER BY estimated_delivery_at, device_id, instance_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, options.batchSize ?? 200],
      );
      if (due.rows.length === 0) return 0;
      const events: ShipmentArrived[] = due.rows.map((o) => ({
        id: deterministicId('shipment-arrived', o.device_id, o.instance_id),
        type: 'ShipmentArrived',
        version: 1,
        deviceId: o.device_id,
        occurredAt: o.estimated_delivery_at.toISOString(),
        recordedAt: now.toISOString(),
        source: 'inventory-projector',
        data: {
          instanceId: o.instance_id,
          slotId: o.slot_id,
          quantity: o.quantity,
          unit: 'count', // replaced below with the slot's canonical unit
          scheduledFor: o.estimated_delivery_at.toISOString(),
        },
      }));
      const units = await tx.query<{ device_id: string; slot_id: string; unit: string }>(
        `SELECT device_id, slot_id, unit FROM ${s}.slots WHERE (device_id, slot_id) IN (SELECT unnest($1::text[]), unnest($2::text[]))`,
        [due.rows.map((o) => o.device_id), due.rows.map((o) => o.slot_id)],
      );
      for (const e of events) {
        const u = units.rows.find((r) => r.device_id === e.deviceId && r.slot_id === e.data.slotId)?.unit;
        if (u === 'ml' || u === 'g' || u === 'count' || u === 'percent') e.data.unit = u;
      }
      await enqueueEvents(tx, options.schema, ordersCodec, events, options.ordersTopic);
      await tx.query(
        `UPDATE ${s}.orders SET arrival_emitted = true
         WHERE (device_id, instance_id) IN (SELECT unnest($1::text[]), unnest($2::text[]))`,
        [due.rows.map((o) => o.device_id), due.rows.map((o) => o.instance_id)],
      );
      return events.length;
    });
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      running = emitDue();
      const n = await running;
      if (n > 0) options.log.info({ arrivals: n }, 'shipments arrived');
    } catch (error) {
      options.log.warn({ err: error }, 'delivery scheduler round failed; retrying');
    } finally {
      running = undefined;
      if (!stopped) timer = setTimeout(() => void tick(), options.interval ?? 1_000);
    }
  }

  return {
    start() {
      stopped = false;
      void tick();
    },
    /** Emits what is due now (tests drive it with their own clock). */
    runOnce: emitDue,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
  };
}
