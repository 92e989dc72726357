-- Up Migration
-- Amazon's side of DRS as the simulator keeps it. node-pg-migrate sets search_path to the service's
-- schema, so the names here are unqualified; the queries in src/store name the schema explicitly.

-- The SNS signing key pairs, newest last. Old ones stay so that messages signed before a renewal still
-- verify against the certificate their SigningCertURL names.
CREATE TABLE signing_identities (
  cert_name       text PRIMARY KEY,          -- SimpleNotificationService-<hex>, served as <name>.pem
  private_key_pem text NOT NULL,
  certificate_pem text NOT NULL,
  not_after       timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- The simulated clock: sim = sim_anchor + (real - real_anchor) x scale. One row.
CREATE TABLE sim_clock (
  id          smallint PRIMARY KEY CHECK (id = 1),
  sim_anchor  timestamptz NOT NULL,
  real_anchor timestamptz NOT NULL,
  scale       double precision NOT NULL
);

-- Fault settings (the PRNG restarts from the seed when the process does). One row.
CREATE TABLE fault_settings (
  id       smallint PRIMARY KEY CHECK (id = 1),
  settings jsonb NOT NULL
);

-- Device models as defined in the DRS portal: slots, default ASIN and product size per slot.
CREATE TABLE device_models (
  model_id   text PRIMARY KEY,
  topic_arn  text,                            -- null: the configured default topic
  slots      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A customer's registration of one device (LWA completed). At most one active per model and serial.
CREATE TABLE registrations (
  registration_id      uuid PRIMARY KEY,
  model_id             text NOT NULL REFERENCES device_models (model_id),
  serial_number        text NOT NULL,
  directed_customer_id text NOT NULL,
  marketplace          text NOT NULL,
  is_test_device       boolean NOT NULL,
  registered_at        timestamptz NOT NULL,
  deregistered_at      timestamptz
);
CREATE UNIQUE INDEX registrations_one_active ON registrations (model_id, serial_number)
  WHERE deregistered_at IS NULL;

-- The customer's choice per slot of a registration.
CREATE TABLE registration_slots (
  registration_id uuid NOT NULL REFERENCES registrations (registration_id),
  slot_id         text NOT NULL,
  position        integer NOT NULL,           -- the model's slot order, kept in every listing
  subscribed      boolean NOT NULL,
  asin            text,                       -- null: no product chosen yet
  quantity        numeric NOT NULL,
  unit            text NOT NULL,
  unit_type       text NOT NULL,
  PRIMARY KEY (registration_id, slot_id)
);

-- LWA authorization codes, single use.
CREATE TABLE auth_codes (
  code_hash       text PRIMARY KEY,
  registration_id uuid NOT NULL REFERENCES registrations (registration_id),
  redirect_uri    text NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  revoked_at      timestamptz
);

-- LWA access and refresh tokens, stored as SHA-256 hashes.
CREATE TABLE tokens (
  token_hash      text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('access', 'refresh')),
  registration_id uuid NOT NULL REFERENCES registrations (registration_id),
  expires_at      timestamptz,                -- null for refresh tokens: they live until revoked
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL
);
CREATE INDEX tokens_by_registration ON tokens (registration_id);

-- Orders, one per accepted replenish call. At most one open order per registration slot.
CREATE TABLE orders (
  event_instance_id     text PRIMARY KEY,
  registration_id       uuid NOT NULL REFERENCES registrations (registration_id),
  slot_id               text NOT NULL,
  asin                  text NOT NULL,
  quantity              numeric NOT NULL,
  unit                  text NOT NULL,
  unit_type             text NOT NULL,
  is_test               boolean NOT NULL,
  status                text NOT NULL CHECK (status IN ('placed', 'shipped', 'delivered', 'cancelled')),
  placed_at             timestamptz NOT NULL,
  ship_at               timestamptz NOT NULL,
  estimated_delivery_at timestamptz NOT NULL,
  shipped_at            timestamptz,
  delivered_at          timestamptz,
  cancelled_at          timestamptz
);
CREATE UNIQUE INDEX orders_one_open_per_slot ON orders (registration_id, slot_id)
  WHERE status IN ('placed', 'shipped');
CREATE INDEX orders_due ON orders (status, ship_at, estimated_delivery_at) WHERE status IN ('placed', 'shipped');

-- The last SlotStatus body per slot, and the last DeviceStatus per registration, for inspection.
CREATE TABLE slot_statuses (
  registration_id uuid NOT NULL REFERENCES registrations (registration_id),
  slot_id         text NOT NULL,
  status          jsonb NOT NULL,
  received_at     timestamptz NOT NULL,
  reports         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (registration_id, slot_id)
);
CREATE TABLE device_statuses (
  registration_id           uuid PRIMARY KEY REFERENCES registrations (registration_id),
  most_recently_active_date text NOT NULL,
  received_at               timestamptz NOT NULL,
  reports                   integer NOT NULL DEFAULT 1
);

-- Every DRS notification published, whether or not anyone was subscribed.
CREATE TABLE notifications (
  notification_id   text PRIMARY KEY,
  seq               bigserial UNIQUE,
  registration_id   uuid NOT NULL,
  notification_type text NOT NULL,
  topic_arn         text NOT NULL,
  message           text NOT NULL,
  published_at      timestamptz NOT NULL
);

-- SNS subscriptions of HTTP(S) endpoints.
CREATE TABLE sns_subscriptions (
  subscription_arn text PRIMARY KEY,
  topic_arn        text NOT NULL,
  endpoint         text NOT NULL,
  token            text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'confirmed', 'deleted')),
  created_at       timestamptz NOT NULL,
  confirmed_at     timestamptz,
  deleted_at       timestamptz
);
CREATE UNIQUE INDEX sns_subscriptions_live ON sns_subscriptions (topic_arn, endpoint) WHERE status <> 'deleted';

-- The delivery queue: one row per message to POST to one endpoint (a duplicate fault adds a second row
-- with the same body). The body is signed once, so every retry sends the same bytes and MessageId.
CREATE TABLE deliveries (
  delivery_id      bigserial PRIMARY KEY,
  seq              bigint NOT NULL,           -- dispatch order within a subscription
  subscription_arn text NOT NULL REFERENCES sns_subscriptions (subscription_arn),
  endpoint         text NOT NULL,
  message_type     text NOT NULL,
  message_id       uuid NOT NULL,
  notification_id  text,
  body             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('held', 'pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  last_error       text
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at) WHERE status IN ('held', 'pending');
CREATE SEQUENCE delivery_seq;

-- Every delivery attempt, for the deliveries log.
CREATE TABLE delivery_attempts (
  delivery_id  bigint NOT NULL REFERENCES deliveries (delivery_id),
  attempt      integer NOT NULL,
  attempted_at timestamptz NOT NULL,
  status_code  integer,
  error        text,
  duration_ms  integer NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- Down Migration
DROP TABLE delivery_attempts;
DROP SEQUENCE delivery_seq;
DROP TABLE deliveries;
DROP TABLE sns_subscriptions;
DROP TABLE notifications;
DROP TABLE device_statuses;
DROP TABLE slot_statuses;
DROP TABLE orders;
DROP TABLE tokens;
DROP TABLE auth_codes;
DROP TABLE registration_slots;
DROP TABLE registrations;
DROP TABLE device_models;
DROP TABLE fault_settings;
DROP TABLE sim_clock;
DROP TABLE signing_identities;
