-- Rows, chunks and megabytes loaded per minute over the last 3 hours, per run: chart it to see
-- the effect of a thread or batch change, or a slow warehouse.
SELECT c.run_id,
       date_trunc('minute', c.completed_at) AS minute,
       count(*) AS chunks,
       sum(c.rows_loaded) AS rows,
       ROUND(sum(c.rows_loaded) / 60.0) AS rows_per_sec,
       ROUND(sum(c.bytes_loaded) / 1048576.0, 1) AS mb,
       ROUND(avg(extract(epoch FROM c.completed_at - c.started_at))::numeric, 1) AS avg_chunk_sec
FROM migration_status.migration_chunk_status c
WHERE c.status = 'completed' AND c.completed_at > now() - interval '3 hours'
GROUP BY c.run_id, date_trunc('minute', c.completed_at)
ORDER BY c.run_id, minute;
