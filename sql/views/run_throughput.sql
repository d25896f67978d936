-- Rows, bytes and chunks a run committed per time bucket, from its chunks' completion times: the
-- throughput chart of a run executed anywhere (every worker's chunks count).
-- $1 run id, $2 bucket width in seconds.
SELECT floor(extract(epoch FROM completed_at) / $2) * $2 * 1000 AS t,
       sum(rows_loaded) AS rows, coalesce(sum(bytes_loaded), 0) AS bytes, count(*) AS chunks
FROM :"status_schema".migration_chunk_status
WHERE run_id = $1 AND status = 'completed'
GROUP BY 1 ORDER BY 1;
