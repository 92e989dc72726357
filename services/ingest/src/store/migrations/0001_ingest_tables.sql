-- Up Migration
-- Ingest's own copy of what it needs from catalog.v1, and its record of accepted event ids.
-- node-pg-migrate sets search_path to the service's schema, so names are unqualified here.

-- Device models as far as ingest needs them: each slot's id, unit type and capacity.
CREATE TABLE device_models (
  model_id   text        PRIMARY KEY,
  -- [{ "slotId", "unitType", "capacity" }]
  slots      jsonb       NOT NULL,
  revision   integer     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Devices and the hash of their current credential (NULL once revoked).
CREATE TABLE devices (
  device_id           text        PRIMARY KEY,
  model_id            text        NOT NULL,
  credential_hash     text,
  credential_revision integer     NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- The hot path looks a device up by the hash of the credential it presents.
CREATE INDEX devices_credential_hash ON devices (credential_hash) WHERE credential_hash IS NOT NULL;

-- Every event id ingest published, per device: a repeated id is answered as a duplicate and not
-- published again. Rows are inserted in time order, so a BRIN index serves the retention prune at
-- almost no cost to inserts.
CREATE TABLE accepted_events (
  device_id   text        NOT NULL,
  event_id    uuid        NOT NULL,
  accepted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, event_id)
);
CREATE INDEX accepted_events_accepted_at ON accepted_events USING brin (accepted_at);

-- Down Migration
DROP TABLE accepted_events;
DROP TABLE devices;
DROP TABLE device_models;
