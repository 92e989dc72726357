-- Up Migration
-- The customer's days of cover per slot (SlotPreferencesChanged on adjustments.v1), newest wins.
CREATE TABLE preferences (
  device_id     text NOT NULL,
  slot_id       text NOT NULL,
  days_of_cover integer NOT NULL,
  changed_at    timestamptz NOT NULL,
  PRIMARY KEY (device_id, slot_id)
);

-- Down Migration
DROP TABLE preferences;
