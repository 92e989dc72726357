-- Up Migration
-- The DRS gateway's state: what it knows of devices (from the topics), the DRS tokens (encrypted), and
-- every DRS call it made or will make, recorded before it is made.

CREATE TABLE models (
  model_id text PRIMARY KEY,
  slots    jsonb NOT NULL
);

CREATE TABLE devices (
  device_id     text PRIMARY KEY,
  model_id      text NOT NULL,
  serial_number text NOT NULL,
  marketplace   text NOT NULL,
  test_device   boolean NOT NULL
);

CREATE TABLE registrations (
  device_id       text PRIMARY KEY,
  registered_at   timestamptz,
  deregistered_at timestamptz
);

-- LWA tokens per device, AES-256-GCM (see token-cipher.ts); never stored or logged in clear.
CREATE TABLE tokens (
  device_id         text PRIMARY KEY,
  access_token      bytea NOT NULL,
  refresh_token     bytea NOT NULL,
  access_expires_at timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

-- The newest InventoryChanged of each slot, for slotStatus quantities.
CREATE TABLE inventory (
  device_id text    NOT NULL,
  slot_id   text    NOT NULL,
  revision  integer NOT NULL,
  state     jsonb   NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- A slot whose status DRS must hear: one row per slot however many SlotStatusDue arrive (coalescing);
-- deleted only when its call is recorded, so a due status is never dropped.
CREATE TABLE slot_status_due (
  device_id                 text NOT NULL,
  slot_id                   text NOT NULL,
  first_due_at              timestamptz NOT NULL,
  send_at                   timestamptz NOT NULL,
  min_revision              integer NOT NULL,
  expected_replenishment_at timestamptz,
  PRIMARY KEY (device_id, slot_id)
);

-- Order notifications seen (orders.v1), and the orders this gateway placed, watched until their
-- notifications arrive or getOrderInfo answers.
CREATE TABLE orders_seen (
  device_id        text NOT NULL,
  instance_id      text NOT NULL,
  slot_id          text NOT NULL,
  state            text NOT NULL,
  first_notified_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, instance_id)
);

CREATE TABLE watched_orders (
  instance_id   text PRIMARY KEY,
  device_id     text NOT NULL,
  slot_id       text NOT NULL,
  answered_at   timestamptz NOT NULL,
  next_check_at timestamptz NOT NULL,
  checks        integer NOT NULL DEFAULT 0,
  done          boolean NOT NULL DEFAULT false
);
CREATE INDEX watched_orders_due ON watched_orders (next_check_at) WHERE NOT done;

CREATE TABLE device_status_days (
  device_id text NOT NULL,
  day       date NOT NULL,
  PRIMARY KEY (device_id, day)
);

-- Every DRS call, recorded (pending) before it is made: at most one per call id, whatever the
-- restarts. `calling` with an expired lease is a call whose answer was lost (see reconcile).
CREATE TABLE calls (
  call_id      uuid PRIMARY KEY,
  operation    text NOT NULL,
  command_type text NOT NULL,
  device_id    text NOT NULL,
  slot_id      text,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  state        text NOT NULL CHECK (state IN ('pending', 'calling', 'succeeded', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  not_before   timestamptz NOT NULL,
  lease_until  timestamptz,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  http_status  integer,
  answer       jsonb,
  error        text
);
CREATE INDEX calls_pending ON calls (not_before) WHERE state = 'pending';
CREATE INDEX calls_calling ON calls (lease_until) WHERE state = 'calling';

CREATE TABLE applied_events (
  event_id uuid PRIMARY KEY
);

-- Down Migration
DROP TABLE applied_events, calls, device_status_days, watched_orders, orders_seen, slot_status_due, inventory,
  tokens, registrations, devices, models;
