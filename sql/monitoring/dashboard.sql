-- Migration dashboard. Run in psql against the target database; the status schema is the default
-- migration_status (replace the name if your config sets status_schema).

-- 1. Quick dashboard (the query the old system's users know): progress of tables being loaded.
SELECT target_schema, source_table,
       ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' as progress
FROM migration_status.migration_table_status
WHERE status = 'in_progress';

-- 2. Every table of every open run: chunks, rows, the load rate of the last 5 minutes and the time
--    left at that rate.
WITH recent AS (
  SELECT run_id, table_ordinal, sum(rows_loaded) AS rows_5min
  FROM migration_status.migration_chunk_status
  WHERE status = 'completed' AND completed_at > now() - interval '5 minutes'
  GROUP BY run_id, table_ordinal
), flight AS (
  SELECT run_id, table_ordinal,
         count(*) FILTER (WHERE status = 'in_progress') AS in_flight,
         count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > now()) AS backing_off
  FROM migration_status.migration_chunk_status
  WHERE status IN ('in_progress', 'pending')
  GROUP BY run_id, table_ordinal
)
SELECT r.run_id, r.status AS run_status,
       t.target_schema || '.' || t.target_table AS target, t.source_table, t.status,
       t.completed_chunks || '/' || t.total_chunks AS chunks,
       t.failed_chunks AS failed,
       coalesce(f.in_flight, 0) AS in_flight,
       coalesce(f.backing_off, 0) AS backing_off,
       t.rows_loaded, t.total_rows,
       ROUND(100.0 * t.rows_loaded / NULLIF(t.total_rows, 0), 1) AS pct_rows,
       ROUND(coalesce(rc.rows_5min, 0) / 300.0) AS rows_per_sec,
       CASE WHEN coalesce(rc.rows_5min, 0) > 0 AND t.status = 'in_progress'
            THEN make_interval(secs => round((t.total_rows - t.rows_loaded) / (rc.rows_5min / 300.0)))
       END AS eta,
       t.started_at, t.completed_at
FROM migration_status.migration_runs r
JOIN migration_status.migration_table_status t ON t.run_id = r.run_id
LEFT JOIN recent rc ON rc.run_id = t.run_id AND rc.table_ordinal = t.table_ordinal
LEFT JOIN flight f ON f.run_id = t.run_id AND f.table_ordinal = t.table_ordinal
WHERE r.status NOT IN ('completed', 'abandoned')
ORDER BY r.created_at DESC, t.table_ordinal;
