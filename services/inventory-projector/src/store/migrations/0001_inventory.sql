-- Up Migration
-- The inventory projection. Every table here can be dropped and rebuilt from the topics.

-- What the projector knows of the catalogue (from catalog.v1).
CREATE TABLE models (
  model_id text PRIMARY KEY,
  slots    jsonb NOT NULL
);

CREATE TABLE devices (
  device_id   text PRIMARY KEY,
  model_id    text NOT NULL,
  marketplace text NOT NULL,
  customer_id text,
  test_device boolean NOT NULL DEFAULT false
);

-- The device's DRS registration: registered when the newest registration is newer than the newest
-- deregistration. Everything up to the purge horizon has been purged and stays purged.
CREATE TABLE registrations (
  device_id            text PRIMARY KEY,
  registered_at        timestamptz,
  deregistered_at      timestamptz,
  directed_customer_id text,
  purge_horizon        timestamptz,
  -- applied device-wide events (registrations); part of every slot's reported revision
  revision             integer NOT NULL DEFAULT 0
);

CREATE TABLE subscriptions (
  device_id   text NOT NULL,
  slot_id     text NOT NULL,
  subscribed  boolean NOT NULL,
  asin        text,
  drs_slot_id text NOT NULL,
  changed_at  timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- The facts that move a slot's level and spare stock; kept so a late fact can be folded in order.
CREATE TABLE slot_facts (
  device_id   text NOT NULL,
  slot_id     text NOT NULL,
  event_id    uuid NOT NULL,
  kind        text NOT NULL,
  occurred_at timestamptz NOT NULL,
  sequence    bigint NOT NULL,
  quantity    double precision NOT NULL,
  -- the order a delivered shipment belongs to, so purging the order also takes back its stock
  instance_id text,
  PRIMARY KEY (device_id, slot_id, event_id)
);

CREATE TABLE slots (
  device_id        text NOT NULL,
  slot_id          text NOT NULL,
  unit_type        text NOT NULL,
  unit             text NOT NULL,
  capacity         double precision NOT NULL,
  level            double precision NOT NULL,
  spare_stock      double precision NOT NULL,
  overdraw         double precision NOT NULL,
  last_use_at      timestamptz,
  last_reading_seq bigint NOT NULL,
  -- canonical key of the newest applied fact: a fact sorting after it is applied incrementally
  last_fact_at     timestamptz,
  last_fact_kind   smallint,
  last_fact_seq    bigint,
  last_fact_id     uuid,
  -- applied events that touched the slot: deterministic, so a rebuild gives the same number
  revision         integer NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

CREATE TABLE daily_consumption (
  device_id text NOT NULL,
  slot_id   text NOT NULL,
  day       date NOT NULL,
  quantity  double precision NOT NULL,
  PRIMARY KEY (device_id, slot_id, day)
);

CREATE TABLE orders (
  device_id             text NOT NULL,
  instance_id           text NOT NULL,
  slot_id               text NOT NULL,
  state                 text NOT NULL,
  quantity              double precision,
  asin                  text,
  estimated_delivery_at timestamptz,
  -- notificationTime of the placed/shipped event the quantity and date come from (newest wins)
  details_at            timestamptz,
  placed_at             timestamptz,
  shipped_at            timestamptz,
  arrived_at            timestamptz,
  cancelled_at          timestamptz,
  arrival_emitted       boolean NOT NULL DEFAULT false,
  products              jsonb NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (device_id, instance_id)
);
CREATE INDEX orders_due ON orders (estimated_delivery_at) WHERE state = 'shipped' AND NOT arrival_emitted;

-- Orders purged with a deregistration: their later notifications do not bring them back.
CREATE TABLE purged_orders (
  device_id   text NOT NULL,
  instance_id text NOT NULL,
  PRIMARY KEY (device_id, instance_id)
);

-- Every applied event id: readers de-duplicate on it (ARCHITECTURE principle 2).
CREATE TABLE applied_events (
  event_id uuid PRIMARY KEY
);

-- Down Migration
DROP TABLE applied_events, purged_orders, orders, daily_consumption, slots, slot_facts, subscriptions,
  registrations, devices, models;
