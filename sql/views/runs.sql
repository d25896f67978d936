-- Runs newest first with their progress (one row per run): totals from the tables' counters (kept
-- exact by the triggers of migration 000002), chunks in flight or backing off and the rows of the
-- rate window from the chunk table.
-- $1 config hash (NULL: every config), $2 limit, $3 rate window in seconds,
-- $4 heartbeat timeout in seconds (a running worker heard from within it is live),
-- $5 run id (NULL: every run).
WITH picked AS (
  SELECT * FROM :"status_schema".migration_runs
  WHERE ($1::text IS NULL OR config_hash = $1) AND ($5::text IS NULL OR run_id = $5)
  ORDER BY created_at DESC, run_id DESC
  LIMIT $2
), counters AS (
  SELECT t.run_id,
         sum(t.total_chunks) AS chunks_total,
         sum(t.completed_chunks) AS completed,
         sum(t.failed_chunks) AS failed,
         sum(t.total_rows) AS rows_total,
         sum(t.rows_loaded) AS rows_loaded,
         sum(t.bytes_loaded) AS bytes_loaded,
         sum(t.nul_stripped_rows) AS nul_stripped_rows
  FROM :"status_schema".migration_table_status t
  WHERE t.run_id IN (SELECT run_id FROM picked)
  GROUP BY t.run_id
), open_chunks AS (
  SELECT c.run_id,
         count(*) FILTER (WHERE c.status = 'in_progress') AS in_progress,
         count(*) FILTER (WHERE c.status = 'pending' AND c.next_attempt_at > now()) AS waiting
  FROM :"status_schema".migration_chunk_status c
  WHERE c.run_id IN (SELECT run_id FROM picked) AND c.status IN ('pending', 'in_progress')
  GROUP BY c.run_id
), recent AS (
  -- The rate's window never reaches back before the run last became in_progress.
  SELECT c.run_id, sum(c.rows_loaded) AS rows_in_window
  FROM :"status_schema".migration_chunk_status c
  JOIN picked r ON r.run_id = c.run_id
  WHERE c.status = 'completed' AND c.completed_at > greatest(r.running_since, now() - make_interval(secs => $3))
  GROUP BY c.run_id
), workers AS (
  SELECT w.run_id, count(*) FILTER (WHERE w.heartbeat_at > now() - make_interval(secs => $4)) AS live
  FROM :"status_schema".migration_workers w
  WHERE w.run_id IN (SELECT run_id FROM picked) AND w.status = 'running'
  GROUP BY w.run_id
), schemas AS (
  SELECT s.run_id, array_agg(s.target_schema ORDER BY s.first_ordinal) AS target_schemas
  FROM (
    SELECT run_id, target_schema, min(table_ordinal) AS first_ordinal
    FROM :"status_schema".migration_table_status
    WHERE run_id IN (SELECT run_id FROM picked)
    GROUP BY run_id, target_schema
  ) s
  GROUP BY s.run_id
)
SELECT r.*,
       coalesce(c.chunks_total, 0) AS chunks_total,
       coalesce(c.chunks_total - c.completed - c.failed, 0) - coalesce(o.in_progress, 0) AS pending,
       coalesce(o.in_progress, 0) AS in_progress,
       coalesce(c.completed, 0) AS completed,
       coalesce(c.failed, 0) AS failed,
       coalesce(o.waiting, 0) AS waiting,
       coalesce(c.rows_total, 0) AS rows_total,
       coalesce(c.rows_loaded, 0) AS rows_loaded,
       coalesce(c.bytes_loaded, 0) AS bytes_loaded,
       coalesce(c.nul_stripped_rows, 0) AS nul_stripped_rows,
       coalesce(rc.rows_in_window, 0) AS rows_in_window,
       CASE WHEN r.status = 'in_progress' THEN coalesce(extract(epoch FROM now() - r.running_since), 0) ELSE 0 END AS running_seconds,
       coalesce(w.live, 0) AS live_workers,
       coalesce(s.target_schemas, '{}') AS target_schemas
FROM picked r
LEFT JOIN counters c ON c.run_id = r.run_id
LEFT JOIN open_chunks o ON o.run_id = r.run_id
LEFT JOIN recent rc ON rc.run_id = r.run_id
LEFT JOIN workers w ON w.run_id = r.run_id
LEFT JOIN schemas s ON s.run_id = r.run_id
ORDER BY r.created_at DESC, r.run_id DESC;
