-- A table's state and counters in one place. Every operation changes chunks only (claim, complete,
-- fail, reclaim, retry, release, abandon) or the run's status (start, resume, stop, finish,
-- abandon); the triggers below derive the table rows from those changes, by one rule:
-- migration_table_state(). Nothing else writes a table's status or counters, so readers can trust
-- them without recounting chunks.
--
-- Function bodies name the status tables unqualified and pin search_path to the status schema:
-- psql does not substitute :"status_schema" inside dollar quotes, but it does in SET.

-- `stopped`: the table's run stopped, failed or was abandoned before its chunks were all done.
ALTER TABLE :"status_schema".migration_table_status
  DROP CONSTRAINT migration_table_status_status_check;
ALTER TABLE :"status_schema".migration_table_status
  ADD CONSTRAINT migration_table_status_status_check
  CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'stopped'));

ALTER TABLE :"status_schema".migration_table_status
  ADD COLUMN bytes_loaded      bigint NOT NULL DEFAULT 0,
  -- Rows of completed chunks whose U+0000 characters were stripped (on_nul_character: "strip").
  ADD COLUMN nul_stripped_rows bigint NOT NULL DEFAULT 0,
  -- What the plan and the start found worth saying: column decisions that change values (e.g.
  -- nanoseconds become microseconds), target columns whose type differs from the mapping.
  ADD COLUMN warnings          text[] NOT NULL DEFAULT '{}';

ALTER TABLE :"status_schema".migration_chunk_status
  ADD COLUMN nul_stripped_rows bigint;

-- When the run was last put in progress (start, resume, retry): a rate never reaches back before it.
ALTER TABLE :"status_schema".migration_runs
  ADD COLUMN running_since timestamptz;
UPDATE :"status_schema".migration_runs SET running_since = started_at WHERE status = 'in_progress';

-- The rule. A table whose chunks are all completed is completed; all done with some failed is
-- failed; otherwise it is stopped when its run is not going on (stopped, failed, abandoned), in
-- progress once a chunk of it was claimed, and pending before that.
CREATE FUNCTION :"status_schema".migration_table_state(
  total_chunks integer, completed_chunks integer, failed_chunks integer, started boolean, run_status text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN completed_chunks = total_chunks THEN 'completed'
    WHEN completed_chunks + failed_chunks = total_chunks THEN 'failed'
    WHEN run_status NOT IN ('pending', 'in_progress') THEN 'stopped'
    WHEN started THEN 'in_progress'
    ELSE 'pending'
  END
$$;

-- Chunk changes, one statement at a time: the transition tables hold the rows it changed, so a
-- retry of ten thousand chunks updates each table row once.
CREATE FUNCTION :"status_schema".migration_chunks_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = :"status_schema", pg_catalog AS $$
BEGIN
  WITH changed AS (
    SELECT n.run_id, n.table_ordinal, n.status, n.last_error,
           CASE WHEN n.status = 'completed' THEN 1 ELSE 0 END - CASE WHEN o.status = 'completed' THEN 1 ELSE 0 END AS completed,
           CASE WHEN n.status = 'failed' THEN 1 ELSE 0 END - CASE WHEN o.status = 'failed' THEN 1 ELSE 0 END AS failed,
           CASE WHEN n.status = 'completed' THEN coalesce(n.rows_loaded, 0) ELSE 0 END
             - CASE WHEN o.status = 'completed' THEN coalesce(o.rows_loaded, 0) ELSE 0 END AS rows_loaded,
           CASE WHEN n.status = 'completed' THEN coalesce(n.bytes_loaded, 0) ELSE 0 END
             - CASE WHEN o.status = 'completed' THEN coalesce(o.bytes_loaded, 0) ELSE 0 END AS bytes_loaded,
           CASE WHEN n.status = 'completed' THEN coalesce(n.nul_stripped_rows, 0) ELSE 0 END
             - CASE WHEN o.status = 'completed' THEN coalesce(o.nul_stripped_rows, 0) ELSE 0 END AS nul_stripped_rows
    FROM new_chunks n JOIN old_chunks o ON o.run_id = n.run_id AND o.chunk_id = n.chunk_id
    WHERE n.status <> o.status
  ), per_table AS (
    SELECT run_id, table_ordinal,
           sum(completed)::int AS completed, sum(failed)::int AS failed,
           sum(rows_loaded) AS rows_loaded, sum(bytes_loaded) AS bytes_loaded, sum(nul_stripped_rows) AS nul_stripped_rows,
           bool_or(status = 'in_progress') AS claimed,
           max(last_error) FILTER (WHERE status = 'failed') AS failure
    FROM changed GROUP BY run_id, table_ordinal
  )
  -- Counters are added to the row being updated (never to a value read earlier), so concurrent
  -- statements that touch one table each add their own share.
  UPDATE migration_table_status tb
  SET completed_chunks = tb.completed_chunks + p.completed,
      failed_chunks = tb.failed_chunks + p.failed,
      rows_loaded = tb.rows_loaded + p.rows_loaded,
      bytes_loaded = tb.bytes_loaded + p.bytes_loaded,
      nul_stripped_rows = tb.nul_stripped_rows + p.nul_stripped_rows,
      started_at = CASE WHEN p.claimed THEN coalesce(tb.started_at, now()) ELSE tb.started_at END,
      status = migration_table_state(tb.total_chunks, tb.completed_chunks + p.completed, tb.failed_chunks + p.failed,
                                     tb.started_at IS NOT NULL OR p.claimed, r.status),
      completed_at = CASE WHEN tb.completed_chunks + p.completed = tb.total_chunks THEN coalesce(tb.completed_at, now()) END,
      -- A chunk failed for good by this statement names the error; none failed any more clears it.
      error = CASE WHEN p.failure IS NOT NULL THEN p.failure WHEN tb.failed_chunks + p.failed = 0 THEN NULL ELSE tb.error END
  FROM per_table p JOIN migration_runs r ON r.run_id = p.run_id
  WHERE tb.run_id = p.run_id AND tb.table_ordinal = p.table_ordinal
    -- A chunk going back to pending (reclaim, release, abandon) changes no counter: no row version.
    AND (p.completed <> 0 OR p.failed <> 0 OR (p.claimed AND tb.started_at IS NULL)
         OR tb.status <> migration_table_state(tb.total_chunks, tb.completed_chunks + p.completed, tb.failed_chunks + p.failed,
                                               tb.started_at IS NOT NULL OR p.claimed, r.status));
  RETURN NULL;
END
$$;

CREATE TRIGGER migration_chunks_changed
  AFTER UPDATE ON :"status_schema".migration_chunk_status
  REFERENCING OLD TABLE AS old_chunks NEW TABLE AS new_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION :"status_schema".migration_chunks_changed();

-- A run put in progress (start, resume, retry; also one that was in progress but whose workers
-- died) starts its rate window anew: rows of an earlier invocation do not count towards the rate
-- of this one, and a window shorter than a minute is measured over what it is.
CREATE FUNCTION :"status_schema".migration_run_running() RETURNS trigger
LANGUAGE plpgsql SET search_path = :"status_schema", pg_catalog AS $$
BEGIN
  NEW.running_since := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER migration_run_running
  BEFORE UPDATE OF status ON :"status_schema".migration_runs
  FOR EACH ROW WHEN (NEW.status = 'in_progress')
  EXECUTE FUNCTION :"status_schema".migration_run_running();

-- A run that stops, fails or is abandoned leaves its unfinished tables `stopped`; one that is
-- resumed takes them back.
CREATE FUNCTION :"status_schema".migration_run_status_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = :"status_schema", pg_catalog AS $$
BEGIN
  UPDATE migration_table_status tb
  SET status = migration_table_state(tb.total_chunks, tb.completed_chunks, tb.failed_chunks, tb.started_at IS NOT NULL, NEW.status)
  WHERE tb.run_id = NEW.run_id
    AND tb.status <> migration_table_state(tb.total_chunks, tb.completed_chunks, tb.failed_chunks, tb.started_at IS NOT NULL, NEW.status);
  RETURN NULL;
END
$$;

CREATE TRIGGER migration_run_status_changed
  AFTER UPDATE OF status ON :"status_schema".migration_runs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION :"status_schema".migration_run_status_changed();
