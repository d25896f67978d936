-- Results of `thaw verify`: one row per verification, one per table partition compared. Rows
-- and checksums are computed inside each database (see src/engine/verify/canonical.ts).

CREATE TABLE :"status_schema".migration_verifications (
  verify_id     text PRIMARY KEY,
  config_hash   text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  -- Every partition of every table compared equal.
  equal         boolean,
  -- The run that reloaded the mismatching partitions (thaw verify --repair).
  repair_run_id text
);

CREATE TABLE :"status_schema".migration_verify_partitions (
  verify_id         text NOT NULL REFERENCES :"status_schema".migration_verifications (verify_id) ON DELETE CASCADE,
  target_schema     text NOT NULL,
  target_table      text NOT NULL,
  source_table      text NOT NULL,
  partition_is_null boolean NOT NULL,
  -- The partition value as text; NULL for a table without partition column (one row per table).
  partition_value   text,
  source_rows       bigint NOT NULL,
  target_rows       bigint NOT NULL,
  source_checksum   text,
  target_checksum   text,
  equal             boolean NOT NULL
);

CREATE INDEX migration_verify_partitions_idx
  ON :"status_schema".migration_verify_partitions (verify_id, target_schema, target_table);
