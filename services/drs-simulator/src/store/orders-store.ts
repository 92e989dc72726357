import type { OrderStatus } from '../domain/order-life.js';
import type { ProductUnitType } from '../domain/product-quantity.js';
import type { Db } from './db.js';

/** An order as Amazon keeps it. */
export interface Order {
  eventInstanceId: string;
  registrationId: string;
  slotId: string;
  asin: string;
  /** The product size in the model's unit; notifications convert it to the marketplace's. */
  quantity: number;
  unit: string;
  unitType: ProductUnitType;
  isTest: boolean;
  status: OrderStatus;
  placedAt: Date;
  /** When OrderPlaced went out; null while the order is in the Order Resolution Flow. */
  confirmedAt: Date | null;
  /** When an order still resolving is cancelled; null for an order that needed no resolution. */
  resolveBy: Date | null;
  shipAt: Date;
  estimatedDeliveryAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

const COLUMNS = `event_instance_id AS "eventInstanceId", registration_id AS "registrationId", slot_id AS "slotId",
  asin, quantity, unit, unit_type AS "unitType", is_test AS "isTest", status, placed_at AS "placedAt",
  confirmed_at AS "confirmedAt", resolve_by AS "resolveBy", ship_at AS "shipAt", estimated_delivery_at AS "estimatedDeliveryAt", shipped_at AS "shippedAt",
  delivered_at AS "deliveredAt", cancelled_at AS "cancelledAt"`;

export async function insertOrder(db: Db, order: Order): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.orders (event_instance_id, registration_id, slot_id, asin, quantity, unit, unit_type,
       is_test, status, placed_at, ship_at, estimated_delivery_at, confirmed_at, resolve_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      order.eventInstanceId,
      order.registrationId,
      order.slotId,
      order.asin,
      order.quantity,
      order.unit,
      order.unitType,
      order.isTest,
      order.status,
      order.placedAt,
      order.shipAt,
      order.estimatedDeliveryAt,
      order.confirmedAt,
      order.resolveBy,
    ],
  );
}

/** The order still open on a slot (resolving, placed or shipped), if any. */
export async function findOpenOrder(db: Db, registrationId: string, slotId: string): Promise<Order | undefined> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM drs_simulator.orders
     WHERE registration_id = $1 AND slot_id = $2 AND status IN ('resolving', 'placed', 'shipped')`,
    [registrationId, slotId],
  );
  return rows[0];
}

export async function getOrder(db: Db, eventInstanceId: string): Promise<Order | undefined> {
  const { rows } = await db.query<Order>(`SELECT ${COLUMNS} FROM drs_simulator.orders WHERE event_instance_id = $1`, [
    eventInstanceId,
  ]);
  return rows[0];
}

export async function lockOrder(db: Db, eventInstanceId: string): Promise<Order | undefined> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM drs_simulator.orders WHERE event_instance_id = $1 FOR UPDATE`,
    [eventInstanceId],
  );
  return rows[0];
}

/** The open orders of a registration (all slots), locked. */
export async function lockOpenOrders(db: Db, registrationId: string): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM drs_simulator.orders
     WHERE registration_id = $1 AND status IN ('resolving', 'placed', 'shipped') ORDER BY slot_id FOR UPDATE`,
    [registrationId],
  );
  return rows;
}

export async function listOrders(
  db: Db,
  filter: { registrationId?: string | undefined; status?: OrderStatus | undefined },
): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM drs_simulator.orders
     WHERE ($1::uuid IS NULL OR registration_id = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY placed_at, event_instance_id`,
    [filter.registrationId ?? null, filter.status ?? null],
  );
  return rows;
}

/**
 * Orders whose next step is due at `now`, locked and skipped by any other ticker working at the same
 * time, oldest first.
 */
export async function claimDueOrders(db: Db, now: Date, limit: number): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM drs_simulator.orders
     WHERE (status = 'resolving' AND resolve_by <= $1) OR (status = 'placed' AND ship_at <= $1)
       OR (status = 'shipped' AND estimated_delivery_at <= $1)
     ORDER BY placed_at, event_instance_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

export async function markShipped(db: Db, eventInstanceId: string, at: Date): Promise<void> {
  await db.query(`UPDATE drs_simulator.orders SET status = 'shipped', shipped_at = $2 WHERE event_instance_id = $1`, [
    eventInstanceId,
    at,
  ]);
}

/** The customer fixed the problem: OrderPlaced goes out now, and the order ships on the new plan. */
export async function markResolved(
  db: Db,
  eventInstanceId: string,
  at: Date,
  plan: { shipAt: Date; estimatedDeliveryAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.orders SET status = 'placed', confirmed_at = $2, ship_at = $3, estimated_delivery_at = $4
     WHERE event_instance_id = $1`,
    [eventInstanceId, at, plan.shipAt, plan.estimatedDeliveryAt],
  );
}

export async function markDelivered(db: Db, eventInstanceId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.orders SET status = 'delivered', delivered_at = $2 WHERE event_instance_id = $1`,
    [eventInstanceId, at],
  );
}

export async function markCancelled(db: Db, eventInstanceId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.orders SET status = 'cancelled', cancelled_at = $2 WHERE event_instance_id = $1`,
    [eventInstanceId, at],
  );
}
