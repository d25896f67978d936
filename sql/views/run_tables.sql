-- The tables of a run (their warnings and stripped-NUL counts among the columns) with their
-- chunks by state: completed and failed from the table's counters (kept exact by the triggers of
-- migration 000002), in progress counted among the chunks in flight, pending the rest. $1 run id.
SELECT t.*,
       t.total_chunks - t.completed_chunks - t.failed_chunks - coalesce(c.in_progress, 0) AS pending,
       coalesce(c.in_progress, 0) AS in_progress,
       t.completed_chunks AS completed,
       t.failed_chunks AS failed
FROM :"status_schema".migration_table_status t
LEFT JOIN (
  SELECT table_ordinal, count(*) AS in_progress
  FROM :"status_schema".migration_chunk_status
  WHERE run_id = $1 AND status = 'in_progress'
  GROUP BY table_ordinal
) c ON c.table_ordinal = t.table_ordinal
WHERE t.run_id = $1
ORDER BY t.table_ordinal;
