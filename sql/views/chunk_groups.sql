-- A table's chunks grouped by partition value and state, in the order the plan cut them (the
-- NULL partition, planned last, comes last). $1 run id, $2 table ordinal.
SELECT partition_is_null, partition_value, status,
       count(*) AS chunks,
       coalesce(sum(rows_expected), 0) AS rows_expected,
       coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS rows_loaded,
       min(chunk_id) AS first_chunk_id,
       max(chunk_id) AS last_chunk_id
FROM :"status_schema".migration_chunk_status
WHERE run_id = $1 AND table_ordinal = $2
GROUP BY partition_is_null, partition_value, status
ORDER BY min(min(chunk_id)) OVER (PARTITION BY partition_is_null, partition_value), status;
