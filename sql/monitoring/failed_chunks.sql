-- Chunks that failed for good (their attempts are used up, or the error cannot pass by retrying),
-- newest run first, with the error and the range to look at in Snowflake.
-- Re-queue them with `thaw retry` (one chunk: --chunk ID; one table: --table NAME).
SELECT c.run_id, t.source_table, t.target_schema || '.' || t.target_table AS target,
       c.chunk_id, c.attempts, c.error_code, c.last_error,
       CASE WHEN c.partition_is_null THEN 'NULL' ELSE c.partition_value END AS partition_value,
       CASE WHEN c.split_is_null THEN 'split IS NULL'
            ELSE '[' || coalesce(c.split_low, '-inf') || ', ' || coalesce(c.split_high, '+inf') || ')' END AS split_range,
       c.rows_expected, c.worker_id AS last_worker, c.heartbeat_at AS last_seen_at
FROM migration_status.migration_chunk_status c
JOIN migration_status.migration_table_status t ON t.run_id = c.run_id AND t.table_ordinal = c.table_ordinal
JOIN migration_status.migration_runs r ON r.run_id = c.run_id
WHERE c.status = 'failed'
ORDER BY r.created_at DESC, c.chunk_id;

-- The same, grouped by error: one bad column often fails many chunks the same way.
SELECT c.run_id, t.source_table, c.error_code, left(c.last_error, 200) AS error, count(*) AS chunks
FROM migration_status.migration_chunk_status c
JOIN migration_status.migration_table_status t ON t.run_id = c.run_id AND t.table_ordinal = c.table_ordinal
WHERE c.status = 'failed'
GROUP BY c.run_id, t.source_table, c.error_code, left(c.last_error, 200)
ORDER BY chunks DESC;
