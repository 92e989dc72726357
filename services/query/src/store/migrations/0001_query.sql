-- Up Migration
-- The query service's own tables. node-pg-migrate sets search_path to the service's schema, so names
-- are unqualified here. The inventory itself is read from the projector's schema, never copied.

-- Query's copy of the catalogue (from catalog.v1): who owns each device, and what its model looks
-- like in each marketplace. Every catalog.v1 record carries its key's whole state, so each write
-- replaces the row and a replay from the start rebuilds the same rows.
CREATE TABLE models (
  model_id     text    PRIMARY KEY,
  name         text    NOT NULL,
  kind         text    NOT NULL,
  -- [ModelSlot]: slot ids, unit types, capacities, default daily use
  slots        jsonb   NOT NULL,
  -- { "US": { deviceName, slotNames, asins } ... }
  marketplaces jsonb   NOT NULL,
  revision     integer NOT NULL
);

CREATE TABLE devices (
  device_id     text    PRIMARY KEY,
  model_id      text    NOT NULL,
  serial_number text    NOT NULL,
  marketplace   text    NOT NULL,
  -- the companion app user who claimed the device; NULL until claimed
  customer_id   text,
  test_device   boolean NOT NULL
);
-- GET /v1/devices lists a customer's devices.
CREATE INDEX devices_customer ON devices (customer_id) WHERE customer_id IS NOT NULL;

-- The customer's days of cover per slot, and the SlotPreferencesChanged that published the value.
CREATE TABLE slot_preferences (
  device_id     text        NOT NULL,
  slot_id       text        NOT NULL,
  days_of_cover integer     NOT NULL CHECK (days_of_cover BETWEEN 1 AND 60),
  customer_id   text        NOT NULL,
  event_id      uuid        NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- Requests a client sent with an Idempotency-Key: a retry finds its event here and is answered with
-- it instead of being published again; the same key with another request is refused. Written in the
-- transaction that writes the event to the outbox.
CREATE TABLE idempotent_requests (
  event_id    uuid        PRIMARY KEY,
  kind        text        NOT NULL,
  customer_id text        NOT NULL,
  device_id   text        NOT NULL,
  digest      text        NOT NULL,
  -- what the first answer said besides the event id (the canonical quantity of an adjustment)
  answer      jsonb       NOT NULL,
  accepted_at timestamptz NOT NULL
);
CREATE INDEX idempotent_requests_accepted_at ON idempotent_requests USING brin (accepted_at);

-- Down Migration
DROP TABLE idempotent_requests;
DROP TABLE slot_preferences;
DROP TABLE devices;
DROP TABLE models;
