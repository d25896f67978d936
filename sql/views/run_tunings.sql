-- A run's tuning changes, oldest first (written by setTunables, from whichever host tuned it): the
-- marks on its throughput chart.
-- $1 run id.
SELECT (extract(epoch FROM tuned_at) * 1000)::bigint AS t, parallel_threads, batch_size
FROM :"status_schema".migration_run_tunings
WHERE run_id = $1
ORDER BY tuning_id;
