-- Why is a migration not moving? Four checks, each empty when all is well.

-- 1. Chunks in progress whose heartbeat is stale (over 2 minutes): their worker is hung or dead.
--    Another worker takes them back after its heartbeat timeout; `thaw resume` does it at start.
SELECT c.run_id, t.source_table, c.chunk_id, c.worker_id, c.attempts,
       now() - c.started_at AS running_for, now() - c.heartbeat_at AS silent_for
FROM migration_status.migration_chunk_status c
JOIN migration_status.migration_table_status t ON t.run_id = c.run_id AND t.table_ordinal = c.table_ordinal
WHERE c.status = 'in_progress' AND c.heartbeat_at < now() - interval '2 minutes'
ORDER BY c.heartbeat_at;

-- 2. Workers marked running whose heartbeat is stale, with the chunks they still hold.
SELECT w.run_id, w.worker_id, w.host, w.pid, w.heartbeat_at, now() - w.heartbeat_at AS silent_for,
       w.rss_mb, w.threads,
       (SELECT count(*) FROM migration_status.migration_chunk_status c
        WHERE c.run_id = w.run_id AND c.worker_id = w.worker_id AND c.status = 'in_progress') AS chunks_held
FROM migration_status.migration_workers w
WHERE w.status = 'running' AND w.heartbeat_at < now() - interval '2 minutes'
ORDER BY w.heartbeat_at;

-- 3. Chunks waiting on a backoff after a transient failure, and what failed them.
SELECT c.run_id, t.source_table, c.chunk_id, c.attempts, c.next_attempt_at,
       c.next_attempt_at - now() AS due_in, c.error_code, left(c.last_error, 200) AS last_error
FROM migration_status.migration_chunk_status c
JOIN migration_status.migration_table_status t ON t.run_id = c.run_id AND t.table_ordinal = c.table_ordinal
WHERE c.status = 'pending' AND c.next_attempt_at > now()
ORDER BY c.next_attempt_at;

-- 4. Open runs with nothing in flight: stopped, asked to stop, or with no live worker.
SELECT r.run_id, r.status, r.stop_requested, r.parallel_threads, r.error,
       count(*) FILTER (WHERE c.status = 'pending') AS pending,
       count(*) FILTER (WHERE c.status = 'failed') AS failed,
       (SELECT count(*) FROM migration_status.migration_workers w
        WHERE w.run_id = r.run_id AND w.status = 'running' AND w.heartbeat_at > now() - interval '2 minutes') AS live_workers,
       max(c.completed_at) AS last_chunk_completed
FROM migration_status.migration_runs r
JOIN migration_status.migration_chunk_status c ON c.run_id = r.run_id
WHERE r.status NOT IN ('completed', 'abandoned')
GROUP BY r.run_id
HAVING count(*) FILTER (WHERE c.status = 'in_progress') = 0
   AND count(*) FILTER (WHERE c.status IN ('pending', 'failed')) > 0
ORDER BY r.created_at DESC;
