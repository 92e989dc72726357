import type { SnsMessageType } from '@restock/sns';
import type { Db } from './db.js';

export type DeliveryStatus = 'held' | 'pending' | 'delivered' | 'failed';

/** One message to POST to one endpoint, and how far it got. */
export interface Delivery {
  deliveryId: number;
  seq: number;
  subscriptionArn: string;
  endpoint: string;
  messageType: SnsMessageType;
  messageId: string;
  notificationId: string | null;
  /** The signed JSON body, exactly as every attempt sends it. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
}

/** One attempt of a delivery. */
export interface DeliveryAttempt {
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const COLUMNS = `delivery_id AS "deliveryId", seq, subscription_arn AS "subscriptionArn", endpoint,
  message_type AS "messageType", message_id AS "messageId", notification_id AS "notificationId", body, status,
  attempts, next_attempt_at AS "nextAttemptAt", created_at AS "createdAt", delivered_at AS "deliveredAt",
  last_error AS "lastError"`;

export async function insertDelivery(
  db: Db,
  delivery: Pick<
    Delivery,
    | 'subscriptionArn'
    | 'endpoint'
    | 'messageType'
    | 'messageId'
    | 'notificationId'
    | 'body'
    | 'status'
    | 'nextAttemptAt'
    | 'createdAt'
  >,
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.deliveries (seq, subscription_arn, endpoint, message_type, message_id, notification_id,
       body, status, next_attempt_at, created_at)
     VALUES (nextval('drs_simulator.delivery_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      delivery.subscriptionArn,
      delivery.endpoint,
      delivery.messageType,
      delivery.messageId,
      delivery.notificationId,
      delivery.body,
      delivery.status,
      delivery.nextAttemptAt,
      delivery.createdAt,
    ],
  );
}

/** Held deliveries (the reorder fault) of every subscription, locked, in publication order. */
export async function lockHeldDeliveries(db: Db): Promise<Delivery[]> {
  const { rows } = await db.query<Delivery>(
    `SELECT ${COLUMNS} FROM drs_simulator.deliveries WHERE status = 'held' ORDER BY seq FOR UPDATE`,
  );
  return rows;
}

/** Releases held deliveries in the order given: each gets a new place in the dispatch order. */
export async function releaseInOrder(db: Db, deliveryIds: readonly number[]): Promise<void> {
  for (const deliveryId of deliveryIds) {
    await db.query(
      `UPDATE drs_simulator.deliveries SET status = 'pending', seq = nextval('drs_simulator.delivery_seq')
       WHERE delivery_id = $1`,
      [deliveryId],
    );
  }
}

/** Deliveries due at `now`, in dispatch order. */
export async function dueDeliveries(db: Db, now: Date, limit: number): Promise<Delivery[]> {
  const { rows } = await db.query<Delivery>(
    `SELECT ${COLUMNS} FROM drs_simulator.deliveries WHERE status = 'pending' AND next_attempt_at <= $1
     ORDER BY seq LIMIT $2`,
    [now, limit],
  );
  return rows;
}

/** Records one attempt and its outcome in one statement pair; `next` says what becomes of the delivery. */
export async function recordAttempt(
  db: Db,
  deliveryId: number,
  attempt: DeliveryAttempt,
  next: { status: 'delivered' | 'pending' | 'failed'; nextAttemptAt?: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.delivery_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [deliveryId, attempt.attempt, attempt.attemptedAt, attempt.statusCode, attempt.error, attempt.durationMs],
  );
  await db.query(
    `UPDATE drs_simulator.deliveries SET attempts = $2, status = $3::text,
       next_attempt_at = COALESCE($4::timestamptz, next_attempt_at),
       delivered_at = CASE WHEN $3::text = 'delivered' THEN $5::timestamptz ELSE delivered_at END,
       last_error = CASE WHEN $3::text = 'delivered' THEN NULL ELSE $6::text END
     WHERE delivery_id = $1`,
    [
      deliveryId,
      attempt.attempt,
      next.status,
      next.nextAttemptAt ?? null,
      attempt.attemptedAt,
      attempt.error ?? `HTTP ${attempt.statusCode}`,
    ],
  );
}

/** An unsubscribed endpoint gets nothing more: its waiting notifications are dropped. */
export async function dropWaitingNotifications(db: Db, subscriptionArn: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.deliveries SET status = 'failed', last_error = $2
     WHERE subscription_arn = $1 AND message_type = 'Notification' AND status IN ('held', 'pending')`,
    [subscriptionArn, reason],
  );
}

/** The deliveries log, newest last, each with its attempts. */
export async function listDeliveries(
  db: Db,
  filter: { status?: DeliveryStatus | undefined; subscriptionArn?: string | undefined; limit: number },
): Promise<(Delivery & { attemptLog: DeliveryAttempt[] })[]> {
  const { rows } = await db.query<Delivery & { attemptLog: DeliveryAttempt[] }>(
    `SELECT ${COLUMNS}, COALESCE((
         SELECT json_agg(json_build_object('attempt', a.attempt, 'attemptedAt', a.attempted_at,
           'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
         FROM drs_simulator.delivery_attempts a WHERE a.delivery_id = d.delivery_id), '[]'::json) AS "attemptLog"
     FROM drs_simulator.deliveries d
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR subscription_arn = $2)
     ORDER BY delivery_id DESC LIMIT $3`,
    [filter.status ?? null, filter.subscriptionArn ?? null, filter.limit],
  );
  return rows.reverse();
}
