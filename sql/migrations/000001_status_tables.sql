-- Thaw's status tables. :"status_schema" is replaced with the quoted schema name (psql users can
-- run this file with `psql -v status_schema=migration_status`). States are checked here and listed
-- again in src/engine/state/states.ts; test/unit/stateLists.test.ts keeps the two in step.

CREATE TABLE :"status_schema".migration_runs (
  run_id           text PRIMARY KEY,
  config_hash      text NOT NULL,
  config_path      text,
  status           text NOT NULL DEFAULT 'pending'
                   CONSTRAINT migration_runs_status_check
                   CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'stopped', 'abandoned')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  -- The source time every chunk query reads at (Time Travel); null when the run reads live data.
  snapshot_at      timestamptz,
  -- Tunables: workers re-read them on every heartbeat.
  parallel_threads integer NOT NULL CHECK (parallel_threads > 0),
  batch_size       integer NOT NULL CHECK (batch_size > 0),
  stop_requested   boolean NOT NULL DEFAULT false,
  options          jsonb NOT NULL DEFAULT '{}'::jsonb,
  error            text
);

CREATE INDEX migration_runs_config_idx ON :"status_schema".migration_runs (config_hash, created_at DESC);

CREATE TABLE :"status_schema".migration_table_status (
  run_id           text NOT NULL REFERENCES :"status_schema".migration_runs (run_id) ON DELETE CASCADE,
  table_ordinal    integer NOT NULL,
  source_table     text NOT NULL,
  target_schema    text NOT NULL,
  target_table     text NOT NULL,
  config_hash      text NOT NULL,
  partition_column text,
  split_column     text,
  primary_key      text[] NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'pending'
                   CONSTRAINT migration_table_status_status_check
                   CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
  total_chunks     integer NOT NULL CHECK (total_chunks >= 0),
  completed_chunks integer NOT NULL DEFAULT 0 CHECK (completed_chunks >= 0),
  failed_chunks    integer NOT NULL DEFAULT 0 CHECK (failed_chunks >= 0),
  total_rows       bigint NOT NULL CHECK (total_rows >= 0),
  rows_loaded      bigint NOT NULL DEFAULT 0,
  -- The ColumnMapping[] the plan decided: what each source column became, and why.
  column_mappings  jsonb NOT NULL,
  -- Thaw created the target table, so it adds the primary key and analyzes after the full load.
  created_table    boolean NOT NULL DEFAULT false,
  truncated_at     timestamptz,
  -- When the primary key was added and the table analyzed (tables Thaw created only).
  finalized_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  completed_at     timestamptz,
  error            text,
  PRIMARY KEY (run_id, table_ordinal),
  CHECK (completed_chunks + failed_chunks <= total_chunks)
);

CREATE INDEX migration_table_status_target_idx
  ON :"status_schema".migration_table_status (target_schema, target_table);
CREATE INDEX migration_table_status_status_idx
  ON :"status_schema".migration_table_status (status);

CREATE TABLE :"status_schema".migration_chunk_status (
  run_id            text NOT NULL,
  chunk_id          integer NOT NULL,
  table_ordinal     integer NOT NULL,
  partition_is_null boolean NOT NULL,
  partition_value   text,
  split_is_null     boolean NOT NULL,
  split_low         text,
  split_high        text,
  status            text NOT NULL DEFAULT 'pending'
                    CONSTRAINT migration_chunk_status_status_check
                    CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
  -- Claims so far; the loader's completion is fenced on (worker_id, attempts).
  attempts          integer NOT NULL DEFAULT 0,
  worker_id         text,
  heartbeat_at      timestamptz,
  -- A pending chunk is not claimed before this time (backoff after a transient failure).
  next_attempt_at   timestamptz,
  rows_expected     bigint NOT NULL CHECK (rows_expected >= 0),
  rows_loaded       bigint,
  bytes_loaded      bigint,
  started_at        timestamptz,
  completed_at      timestamptz,
  last_error        text,
  error_code        text,
  PRIMARY KEY (run_id, chunk_id),
  FOREIGN KEY (run_id, table_ordinal)
    REFERENCES :"status_schema".migration_table_status (run_id, table_ordinal) ON DELETE CASCADE
);

-- The claim: the first pending chunk of a run in table order.
CREATE INDEX migration_chunk_status_pending_idx
  ON :"status_schema".migration_chunk_status (run_id, table_ordinal, chunk_id)
  WHERE status = 'pending';
-- Heartbeats, reclaim and the stuck-migration diagnosis.
CREATE INDEX migration_chunk_status_in_progress_idx
  ON :"status_schema".migration_chunk_status (run_id, worker_id)
  WHERE status = 'in_progress';
-- Failed-chunk lists and retries.
CREATE INDEX migration_chunk_status_failed_idx
  ON :"status_schema".migration_chunk_status (run_id, table_ordinal)
  WHERE status = 'failed';
-- Throughput over time.
CREATE INDEX migration_chunk_status_completed_idx
  ON :"status_schema".migration_chunk_status (completed_at)
  WHERE status = 'completed';

CREATE TABLE :"status_schema".migration_workers (
  worker_id    text PRIMARY KEY,
  run_id       text NOT NULL REFERENCES :"status_schema".migration_runs (run_id) ON DELETE CASCADE,
  host         text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz,
  rss_mb       integer,
  threads      integer,
  status       text NOT NULL DEFAULT 'running'
               CONSTRAINT migration_workers_status_check
               CHECK (status IN ('running', 'stopped', 'dead'))
);

CREATE INDEX migration_workers_run_idx ON :"status_schema".migration_workers (run_id, status);
