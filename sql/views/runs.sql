-- Runs newest first with their progress, counted from the chunk table (one row per run).
-- $1 config hash (NULL: every config), $2 limit, $3 rate window in seconds,
-- $4 heartbeat timeout in seconds (a running worker heard from within it is live),
-- $5 run id (NULL: every run).
WITH picked AS (
  SELECT * FROM :"status_schema".migration_runs
  WHERE ($1::text IS NULL OR config_hash = $1) AND ($5::text IS NULL OR run_id = $5)
  ORDER BY created_at DESC, run_id DESC
  LIMIT $2
), chunks AS (
  SELECT c.run_id,
         count(*) AS chunks_total,
         count(*) FILTER (WHERE c.status = 'pending') AS pending,
         count(*) FILTER (WHERE c.status = 'in_progress') AS in_progress,
         count(*) FILTER (WHERE c.status = 'completed') AS completed,
         count(*) FILTER (WHERE c.status = 'failed') AS failed,
         coalesce(sum(c.rows_expected), 0) AS rows_total,
         coalesce(sum(c.rows_loaded) FILTER (WHERE c.status = 'completed'), 0) AS rows_loaded,
         coalesce(sum(c.bytes_loaded) FILTER (WHERE c.status = 'completed'), 0) AS bytes_loaded,
         -- The rate's window never reaches back before the run last became in_progress.
         coalesce(sum(c.rows_loaded) FILTER (WHERE c.status = 'completed'
                                               AND c.completed_at > greatest(r.running_since, now() - make_interval(secs => $3))), 0)
           AS rows_in_window
  FROM :"status_schema".migration_chunk_status c
  JOIN picked r ON r.run_id = c.run_id
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
       coalesce(c.pending, 0) AS pending,
       coalesce(c.in_progress, 0) AS in_progress,
       coalesce(c.completed, 0) AS completed,
       coalesce(c.failed, 0) AS failed,
       coalesce(c.rows_total, 0) AS rows_total,
       coalesce(c.rows_loaded, 0) AS rows_loaded,
       coalesce(c.bytes_loaded, 0) AS bytes_loaded,
       coalesce(c.rows_in_window, 0) AS rows_in_window,
       CASE WHEN r.status = 'in_progress' THEN coalesce(extract(epoch FROM now() - r.running_since), 0) ELSE 0 END AS running_seconds,
       coalesce(w.live, 0) AS live_workers,
       coalesce(s.target_schemas, '{}') AS target_schemas
FROM picked r
LEFT JOIN chunks c ON c.run_id = r.run_id
LEFT JOIN workers w ON w.run_id = r.run_id
LEFT JOIN schemas s ON s.run_id = r.run_id
ORDER BY r.created_at DESC, r.run_id DESC;
