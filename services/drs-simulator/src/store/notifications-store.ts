import type { Db } from './db.js';

/** A DRS notification as published (whether or not an endpoint was subscribed). */
export interface PublishedNotification {
  notificationId: string;
  registrationId: string;
  notificationType: string;
  topicArn: string;
  /** The SNS `Message`: the DRS JSON as a string. */
  message: string;
  publishedAt: Date;
}

export async function insertNotification(db: Db, notification: PublishedNotification): Promise<void> {
  await db.query(
    `INSERT INTO drs_simulator.notifications (notification_id, registration_id, notification_type, topic_arn, message,
       published_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      notification.notificationId,
      notification.registrationId,
      notification.notificationType,
      notification.topicArn,
      notification.message,
      notification.publishedAt,
    ],
  );
}

export async function listNotifications(
  db: Db,
  filter: { registrationId?: string | undefined; type?: string | undefined },
): Promise<PublishedNotification[]> {
  const { rows } = await db.query<PublishedNotification>(
    `SELECT notification_id AS "notificationId", registration_id AS "registrationId",
       notification_type AS "notificationType", topic_arn AS "topicArn", message, published_at AS "publishedAt"
     FROM drs_simulator.notifications
     WHERE ($1::uuid IS NULL OR registration_id = $1) AND ($2::text IS NULL OR notification_type = $2)
     ORDER BY seq`,
    [filter.registrationId ?? null, filter.type ?? null],
  );
  return rows;
}
