import type { Db } from './db.js';

export type SubscriptionStatus = 'pending' | 'confirmed' | 'deleted';

/** An SNS subscription of an HTTP(S) endpoint to a topic. */
export interface SnsSubscription {
  subscriptionArn: string;
  topicArn: string;
  endpoint: string;
  token: string;
  status: SubscriptionStatus;
  createdAt: Date;
  confirmedAt: Date | null;
  deletedAt: Date | null;
}

const COLUMNS = `subscription_arn AS "subscriptionArn", topic_arn AS "topicArn", endpoint, token, status,
  created_at AS "createdAt", confirmed_at AS "confirmedAt", deleted_at AS "deletedAt"`;

export async function insertSubscription(db: Db, subscription: SnsSubscription): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.sns_subscriptions (subscription_arn, topic_arn, endpoint, token, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      subscription.subscriptionArn,
      subscription.topicArn,
      subscription.endpoint,
      subscription.token,
      subscription.status,
      subscription.createdAt,
    ],
  );
}

/** The subscription of an endpoint to a topic that is not deleted, locked. */
export async function lockLiveSubscription(
  db: Db,
  topicArn: string,
  endpoint: string,
): Promise<SnsSubscription | undefined> {
  const { rows } = await db.query<SnsSubscription>(
    `SELECT ${COLUMNS} FROM drs_simulator.sns_subscriptions
     WHERE topic_arn = $1 AND endpoint = $2 AND status <> 'deleted' FOR UPDATE`,
    [topicArn, endpoint],
  );
  return rows[0];
}

export async function lockSubscriptionByToken(db: Db, token: string): Promise<SnsSubscription | undefined> {
  const { rows } = await db.query<SnsSubscription>(
    `SELECT ${COLUMNS} FROM drs_simulator.sns_subscriptions WHERE token = $1 AND status <> 'deleted' FOR UPDATE`,
    [token],
  );
  return rows[0];
}

export async function lockSubscription(db: Db, subscriptionArn: string): Promise<SnsSubscription | undefined> {
  const { rows } = await db.query<SnsSubscription>(
    `SELECT ${COLUMNS} FROM drs_simulator.sns_subscriptions WHERE subscription_arn = $1 FOR UPDATE`,
    [subscriptionArn],
  );
  return rows[0];
}

export async function listSubscriptions(db: Db): Promise<SnsSubscription[]> {
  const { rows } = await db.query<SnsSubscription>(
    `SELECT ${COLUMNS} FROM drs_simulator.sns_subscriptions ORDER BY created_at, subscription_arn`,
  );
  return rows;
}

/** Who receives what is published on a topic: confirmed subscriptions only. */
export async function confirmedSubscriptions(db: Db, topicArn: string): Promise<SnsSubscription[]> {
  const { rows } = await db.query<SnsSubscription>(
    `SELECT ${COLUMNS} FROM drs_simulator.sns_subscriptions WHERE topic_arn = $1 AND status = 'confirmed'
     ORDER BY created_at, subscription_arn`,
    [topicArn],
  );
  return rows;
}

export async function markConfirmed(db: Db, subscriptionArn: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.sns_subscriptions SET status = 'confirmed', confirmed_at = $2 WHERE subscription_arn = $1`,
    [subscriptionArn, at],
  );
}

export async function markDeleted(db: Db, subscriptionArn: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE drs_simulator.sns_subscriptions SET status = 'deleted', deleted_at = $2 WHERE subscription_arn = $1`,
    [subscriptionArn, at],
  );
}
