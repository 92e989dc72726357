-- Up Migration
-- The bridge's own copy of what it needs from catalog.v1 (node-pg-migrate sets search_path to the
-- service's schema): which Restock device a DRS model id and serial number name, and which model slot a
-- DRS slot id is. A projection: drop it, reset the consumer group's offsets, and it is rebuilt.

CREATE TABLE device_models (
  model_id   text        PRIMARY KEY,
  -- The catalogue's revision of the whole model; an older record never overwrites a newer one.
  revision   integer     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per slot: DRS names a slot by the id Amazon assigned (the portal's "replenishment id").
CREATE TABLE model_slots (
  model_id    text NOT NULL REFERENCES device_models (model_id) ON DELETE CASCADE,
  drs_slot_id text NOT NULL,
  slot_id     text NOT NULL,
  PRIMARY KEY (model_id, drs_slot_id)
);

-- DRS knows a device by model id and serial number, Restock by deviceId.
CREATE TABLE devices (
  device_id     text        PRIMARY KEY,
  model_id      text        NOT NULL,
  serial_number text        NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_id, serial_number)
);

-- Down Migration
DROP TABLE devices;
DROP TABLE model_slots;
DROP TABLE device_models;
