-- Up Migration
-- The bus's own tables, created in the owning service's schema (node-pg-migrate sets search_path).

-- Per consumer group and partition, the next offset to apply; written in the same transaction as the
-- rows the applied messages produced (ARCHITECTURE principle 2).
CREATE TABLE consumer_offsets (
  group_id    text    NOT NULL,
  topic       text    NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint  NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Events waiting to be published by the relay, in insertion order. A row is deleted once the broker
-- acknowledged it; a crash in between re-publishes it under the same event id.
CREATE TABLE outbox (
  seq        bigserial PRIMARY KEY,
  event_id   uuid,
  topic      text  NOT NULL,
  key        text,
  value      bytea,
  headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE outbox;
DROP TABLE consumer_offsets;
