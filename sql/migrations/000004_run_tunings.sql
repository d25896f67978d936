-- Every change of a run's tunables (`thaw tune`, the progress panel's controls), when it was
-- made: the progress panel marks each on its throughput chart, whoever executes the run and
-- whenever the panel is opened. Written in the statement that changes migration_runs.

CREATE TABLE :"status_schema".migration_run_tunings (
  run_id           text NOT NULL REFERENCES :"status_schema".migration_runs (run_id) ON DELETE CASCADE,
  tuning_id        bigint GENERATED ALWAYS AS IDENTITY,
  tuned_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- The tunables from then on (both, whichever of them changed).
  parallel_threads integer NOT NULL CHECK (parallel_threads > 0),
  batch_size       integer NOT NULL CHECK (batch_size > 0),
  PRIMARY KEY (run_id, tuning_id)
);
