-- Up Migration
-- The reorder policy's state. Every table except `decisions` can be dropped and rebuilt from the topics;
-- `decisions` is the audit of what was decided and why, read by the query service's decisions route.

-- What the policy knows of the catalogue (from catalog.v1): each slot's default daily use, each
-- device's marketplace.
CREATE TABLE models (
  model_id text PRIMARY KEY,
  slots    jsonb NOT NULL
);

CREATE TABLE devices (
  device_id   text PRIMARY KEY,
  model_id    text NOT NULL,
  marketplace text NOT NULL
);

-- The newest InventoryChanged of each slot (by its revision).
CREATE TABLE slots (
  device_id text    NOT NULL,
  slot_id   text    NOT NULL,
  revision  integer NOT NULL,
  state     jsonb   NOT NULL,
  state_at  timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- Use per UTC day (from consumption.v1), and from when use has been tracked.
CREATE TABLE daily_use (
  device_id text NOT NULL,
  slot_id   text NOT NULL,
  day       date NOT NULL,
  quantity  double precision NOT NULL,
  PRIMARY KEY (device_id, slot_id, day)
);

CREATE TABLE use_tracking (
  device_id        text NOT NULL,
  slot_id          text NOT NULL,
  tracked_since    date NOT NULL,
  -- the newest level reading (by the device's sequence): a falling reading is use
  last_reading_seq bigint NOT NULL DEFAULT -1,
  last_reading     double precision,
  PRIMARY KEY (device_id, slot_id)
);

-- DRS's registration and subscription facts (subscriptions.v1), newest notification wins.
CREATE TABLE registrations (
  device_id       text PRIMARY KEY,
  registered_at   timestamptz,
  deregistered_at timestamptz
);

CREATE TABLE subscriptions (
  device_id  text NOT NULL,
  slot_id    text NOT NULL,
  subscribed boolean NOT NULL,
  changed_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- subscriptionInfo answers (outcomes.v1): used only for a slot no notification ever described.
CREATE TABLE reconciled_subscriptions (
  device_id   text NOT NULL,
  slot_id     text NOT NULL,
  subscribed  boolean NOT NULL,
  answered_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- Orders of each slot (orders.v1); states only move forward.
CREATE TABLE orders (
  device_id   text NOT NULL,
  instance_id text NOT NULL,
  slot_id     text NOT NULL,
  state       text NOT NULL,
  PRIMARY KEY (device_id, instance_id)
);

-- What ended a reorder cycle of a slot: an order that arrived or was cancelled (`order:<instanceId>`),
-- or a request that ended without an order (`command:<commandId>`). The slot's current cycle is the
-- number of rows, so the same log always numbers cycles, and therefore command ids, the same way.
CREATE TABLE closed_cycles (
  device_id     text NOT NULL,
  slot_id       text NOT NULL,
  cause         text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('arrived', 'cancelled', 'failed', 'no-order')),
  closed_at     timestamptz NOT NULL,
  stock_on_hand double precision NOT NULL,
  PRIMARY KEY (device_id, slot_id, cause)
);

-- One ReplenishRequested per slot and cycle, whatever the concurrency (principle 5).
CREATE TABLE requests (
  command_id        uuid PRIMARY KEY,
  device_id         text NOT NULL,
  slot_id           text NOT NULL,
  cycle             integer NOT NULL,
  requested_at      timestamptz NOT NULL,
  outcome           text,
  detail_code       text,
  event_instance_id text,
  UNIQUE (device_id, slot_id, cycle)
);

-- Every decision, ordered or not, with its reason.
CREATE TABLE decisions (
  id         bigserial PRIMARY KEY,
  device_id  text NOT NULL,
  slot_id    text NOT NULL,
  decided_at timestamptz NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('ordered', 'held')),
  reason     jsonb NOT NULL,
  command_id uuid,
  cycle      integer NOT NULL
);
CREATE INDEX decisions_by_slot ON decisions (device_id, slot_id, decided_at DESC);

-- Every applied event id: topics are read at least once, effects happen once.
CREATE TABLE applied_events (
  event_id uuid PRIMARY KEY
);

-- Down Migration
DROP TABLE applied_events, decisions, requests, closed_cycles, orders, reconciled_subscriptions, subscriptions,
  registrations, use_tracking, daily_use, slots, devices, models;
