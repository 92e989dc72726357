-- Up Migration
-- What the bridge has received from SNS. Unlike the catalog copy these rows are not derived from a topic:
-- they are the durable half of the de-duplication (Redis holds only a window) and the record of the
-- subscription's life, so they are kept.

-- Every SNS Notification acted on, by SNS MessageId (the same on every retry of a delivery).
CREATE TABLE sns_messages (
  message_id      text        PRIMARY KEY,
  topic_arn       text        NOT NULL,
  notification_id text,
  outcome         text        NOT NULL CHECK (outcome IN ('published', 'dead-lettered', 'duplicate-notification')),
  -- The reason code of a dead letter.
  code            text,
  received_at     timestamptz NOT NULL
);

-- Every DRS notification published as an event, by DRS notificationId (the same under a new MessageId
-- when DRS itself sends a notification again). Dead-lettered notifications are not recorded here, so
-- that DRS sending one again after its device reached the catalogue still gets it published.
CREATE TABLE drs_notifications (
  notification_id text        PRIMARY KEY,
  message_id      text        NOT NULL,
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  device_id       text        NOT NULL,
  published_at    timestamptz NOT NULL
);

-- Subscriptions confirmed by GET of their SubscribeURL.
CREATE TABLE subscription_confirmations (
  message_id       text        PRIMARY KEY,
  topic_arn        text        NOT NULL,
  subscription_arn text,
  confirmed_at     timestamptz NOT NULL
);

-- UnsubscribeConfirmations: notifications from the topic stop; SubscribeURL re-subscribes.
CREATE TABLE unsubscribe_confirmations (
  message_id    text        PRIMARY KEY,
  topic_arn     text        NOT NULL,
  token         text        NOT NULL,
  subscribe_url text        NOT NULL,
  sns_timestamp text        NOT NULL,
  received_at   timestamptz NOT NULL
);

-- Down Migration
DROP TABLE unsubscribe_confirmations;
DROP TABLE subscription_confirmations;
DROP TABLE drs_notifications;
DROP TABLE sns_messages;
