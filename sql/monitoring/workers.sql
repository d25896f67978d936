-- Worker processes of open runs: where they run, whether they are alive, memory, threads and the
-- chunks they hold. A running worker silent for more than a minute or two is probably gone.
SELECT w.run_id, w.worker_id, w.host, w.pid, w.status,
       w.threads, r.parallel_threads AS threads_desired, w.rss_mb,
       w.started_at, w.heartbeat_at, now() - w.heartbeat_at AS silent_for,
       count(c.chunk_id) AS chunks_in_flight,
       coalesce(sum(c.rows_expected), 0) AS rows_in_flight
FROM migration_status.migration_workers w
JOIN migration_status.migration_runs r ON r.run_id = w.run_id
LEFT JOIN migration_status.migration_chunk_status c
  ON c.run_id = w.run_id AND c.worker_id = w.worker_id AND c.status = 'in_progress'
WHERE r.status NOT IN ('completed', 'abandoned') OR w.status = 'running'
GROUP BY w.run_id, w.worker_id, w.host, w.pid, w.status, w.threads, r.parallel_threads, w.rss_mb, w.started_at, w.heartbeat_at
ORDER BY w.run_id, w.status, w.host, w.pid;
