-- Up Migration
-- The catalogue's tables, in the service's own schema (node-pg-migrate sets search_path). The
-- catalogue is the source of catalog.v1: every change here is published from the outbox, written in
-- the same transaction.

-- Device models as the DRS self-service portal defines them. Slots and marketplaces are kept as the
-- documents the events carry. A deleted model keeps its row (deleted_at set) so that a model created
-- again under the same id continues its revision: the revision of a key on catalog.v1 only grows.
CREATE TABLE device_models (
  model_id     text        PRIMARY KEY,
  name         text        NOT NULL,
  kind         text        NOT NULL,
  slots        jsonb       NOT NULL,
  marketplaces jsonb       NOT NULL,
  image        jsonb,
  certified_at timestamptz,
  revision     integer     NOT NULL CHECK (revision >= 1),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  deleted_at   timestamptz
);

-- The device image bytes, apart from the model so listing models never reads them; at most 1 MiB.
CREATE TABLE device_model_images (
  model_id     text    PRIMARY KEY REFERENCES device_models (model_id) ON DELETE CASCADE,
  content_type text    NOT NULL,
  sha256       text    NOT NULL,
  data         bytea   NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 1048576)
);

-- Provisioned devices. The credential and the claim code are shown once and only their SHA-256
-- hashes are kept; a revoked device has no credential hash.
CREATE TABLE devices (
  device_id           text        PRIMARY KEY,
  model_id            text        NOT NULL REFERENCES device_models (model_id),
  serial_number       text        NOT NULL,
  marketplace         text        NOT NULL,
  test_device         boolean     NOT NULL,
  customer_id         text,
  claimed_at          timestamptz,
  credential_hash     text        CHECK (credential_hash ~ '^[0-9a-f]{64}$'),
  credential_revision integer     NOT NULL CHECK (credential_revision >= 0),
  claim_code_hash     text        NOT NULL CHECK (claim_code_hash ~ '^[0-9a-f]{64}$'),
  provisioned_at      timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  CONSTRAINT devices_model_serial_key UNIQUE (model_id, serial_number),
  CONSTRAINT devices_claim_code_hash_key UNIQUE (claim_code_hash)
);

CREATE UNIQUE INDEX devices_credential_hash_key ON devices (credential_hash) WHERE credential_hash IS NOT NULL;
CREATE INDEX devices_model_marketplace_idx ON devices (model_id, marketplace);

-- Down Migration
DROP TABLE devices;
DROP TABLE device_model_images;
DROP TABLE device_models;
