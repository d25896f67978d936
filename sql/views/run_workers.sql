-- The workers of a run with what each has done (one row per worker, oldest first): chunks and rows
-- it completed, chunks it holds, and the rows of its rate window. A worker's window starts no
-- earlier than it joined, nor than the run last became in_progress, so a worker that joined late
-- is not diluted by time it was not there.
-- $1 run id, $2 rate window in seconds.
WITH done AS (
  SELECT c.worker_id,
         count(*) FILTER (WHERE c.status = 'completed') AS chunks_completed,
         coalesce(sum(c.rows_loaded) FILTER (WHERE c.status = 'completed'), 0) AS rows_loaded,
         count(*) FILTER (WHERE c.status = 'in_progress') AS chunks_in_flight
  FROM :"status_schema".migration_chunk_status c
  WHERE c.run_id = $1 AND c.worker_id IS NOT NULL
  GROUP BY c.worker_id
), window_start AS (
  SELECT w.worker_id, greatest(w.started_at, r.running_since, now() - make_interval(secs => $2)) AS since
  FROM :"status_schema".migration_workers w
  JOIN :"status_schema".migration_runs r ON r.run_id = w.run_id
  WHERE w.run_id = $1
), recent AS (
  SELECT c.worker_id, sum(c.rows_loaded) AS rows_in_window
  FROM :"status_schema".migration_chunk_status c
  JOIN window_start s ON s.worker_id = c.worker_id
  WHERE c.run_id = $1 AND c.status = 'completed' AND c.completed_at > s.since
  GROUP BY c.worker_id
)
SELECT w.*,
       coalesce(d.chunks_completed, 0) AS chunks_completed,
       coalesce(d.rows_loaded, 0) AS rows_loaded,
       coalesce(d.chunks_in_flight, 0) AS chunks_in_flight,
       coalesce(rc.rows_in_window, 0) AS rows_in_window,
       extract(epoch FROM now() - greatest(w.started_at, r.running_since)) AS running_seconds
FROM :"status_schema".migration_workers w
JOIN :"status_schema".migration_runs r ON r.run_id = w.run_id
LEFT JOIN done d ON d.worker_id = w.worker_id
LEFT JOIN recent rc ON rc.worker_id = w.worker_id
WHERE w.run_id = $1
ORDER BY w.started_at, w.worker_id;
