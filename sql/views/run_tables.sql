-- The tables of a run (their warnings and stripped-NUL counts among the columns) with their
-- chunks counted by state. $1 run id.
SELECT t.*,
       coalesce(c.pending, 0) AS pending,
       coalesce(c.in_progress, 0) AS in_progress,
       coalesce(c.completed, 0) AS completed,
       coalesce(c.failed, 0) AS failed
FROM :"status_schema".migration_table_status t
LEFT JOIN (
  SELECT table_ordinal,
         count(*) FILTER (WHERE status = 'pending') AS pending,
         count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'failed') AS failed
  FROM :"status_schema".migration_chunk_status
  WHERE run_id = $1
  GROUP BY table_ordinal
) c ON c.table_ordinal = t.table_ordinal
WHERE t.run_id = $1
ORDER BY t.table_ordinal;
