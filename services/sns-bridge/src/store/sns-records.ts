import { type Pool, quoteIdent, type Tx } from '@restock/postgres';

/** What became of an SNS Notification. */
export type MessageOutcome = 'published' | 'dead-lettered' | 'duplicate-notification';

export interface MessageRecord {
  messageId: string;
  topicArn: string;
  notificationId: string | null;
  outcome: MessageOutcome;
  code: string | null;
  receivedAt: Date;
}

export interface NotificationRecord {
  notificationId: string;
  messageId: string;
  eventId: string;
  eventType: string;
  deviceId: string;
  publishedAt: Date;
}

export interface SubscriptionConfirmationRecord {
  messageId: string;
  topicArn: string;
  subscriptionArn: string | null;
  confirmedAt: Date;
}

export interface UnsubscribeConfirmationRecord {
  messageId: string;
  topicArn: string;
  token: string;
  subscribeUrl: string;
  snsTimestamp: string;
  receivedAt: Date;
}

/**
 * The durable records of what SNS delivered (tables of `0002_sns_records.sql`). The `record*` calls that
 * take a transaction insert-or-skip on the primary key, so two deliveries racing for the same id are
 * serialised by PostgreSQL: the second waits for the first's commit and then sees it, or, if the first
 * rolled back (Kafka was down), goes ahead itself.
 */
export interface SnsRecordStore {
  /** True when the MessageId was new; false when it had been recorded (a duplicate delivery). */
  recordMessage(tx: Tx, record: MessageRecord): Promise<boolean>;
  /** Marks a recorded message as carrying a notification published before under another MessageId. */
  markDuplicateNotification(tx: Tx, messageId: string): Promise<void>;
  /** True when the notification id was new; false when a notification with it was already published. */
  recordNotification(tx: Tx, record: NotificationRecord): Promise<boolean>;
  /** Whether a notification with this id was published before (de-duplicates a dead letter, records nothing). */
  wasNotificationPublished(tx: Tx, notificationId: string): Promise<boolean>;
  recordSubscriptionConfirmation(record: SubscriptionConfirmationRecord): Promise<void>;
  /** True the first time this UnsubscribeConfirmation is recorded. */
  recordUnsubscribeConfirmation(record: UnsubscribeConfirmationRecord): Promise<boolean>;
}

export function createSnsRecordStore(pool: Pool, schema: string): SnsRecordStore {
  const s = quoteIdent(schema);
  return {
    async recordMessage(tx, r) {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.sns_messages (message_id, topic_arn, notification_id, outcome, code, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
        [r.messageId, r.topicArn, r.notificationId, r.outcome, r.code, r.receivedAt],
      );
      return rowCount === 1;
    },

    async markDuplicateNotification(tx, messageId) {
      await tx.query(
        `UPDATE ${s}.sns_messages SET outcome = 'duplicate-notification', code = NULL WHERE message_id = $1`,
        [messageId],
      );
    },

    async recordNotification(tx, r) {
      const { rowCount } = await tx.query(
        `INSERT INTO ${s}.drs_notifications (notification_id, message_id, event_id, event_type, device_id, published_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (notification_id) DO NOTHING`,
        [r.notificationId, r.messageId, r.eventId, r.eventType, r.deviceId, r.publishedAt],
      );
      return rowCount === 1;
    },

    async wasNotificationPublished(tx, notificationId) {
      const { rowCount } = await tx.query(`SELECT 1 FROM ${s}.drs_notifications WHERE notification_id = $1`, [
        notificationId,
      ]);
      return rowCount === 1;
    },

    async recordSubscriptionConfirmation(r) {
      await pool.query(
        `INSERT INTO ${s}.subscription_confirmations (message_id, topic_arn, subscription_arn, confirmed_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (message_id) DO UPDATE
           SET subscription_arn = excluded.subscription_arn, confirmed_at = excluded.confirmed_at`,
        [r.messageId, r.topicArn, r.subscriptionArn, r.confirmedAt],
      );
    },

    async recordUnsubscribeConfirmation(r) {
      const { rowCount } = await pool.query(
        `INSERT INTO ${s}.unsubscribe_confirmations (message_id, topic_arn, token, subscribe_url, sns_timestamp, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
        [r.messageId, r.topicArn, r.token, r.subscribeUrl, r.snsTimestamp, r.receivedAt],
      );
      return rowCount === 1;
    },
  };
}
