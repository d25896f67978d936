-- The tables of a run with their chunk counts (counted from the chunk table) and the warnings
-- the plan recorded for their columns. $1 run id.
SELECT t.*,
       coalesce(c.pending, 0) AS pending,
       coalesce(c.in_progress, 0) AS in_progress,
       coalesce(c.completed, 0) AS completed,
       coalesce(c.failed, 0) AS failed,
       coalesce(c.rows_loaded, 0) AS chunk_rows_loaded,
       coalesce((
         SELECT array_agg(m.value ->> 'targetName' || ': ' || w.value ORDER BY m.ordinality, w.ordinality)
         FROM jsonb_array_elements(t.column_mappings) WITH ORDINALITY m
         CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(m.value -> 'warnings', '[]')) WITH ORDINALITY w
       ), '{}') AS column_warnings
FROM :"status_schema".migration_table_status t
LEFT JOIN (
  SELECT table_ordinal,
         count(*) FILTER (WHERE status = 'pending') AS pending,
         count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'failed') AS failed,
         coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS rows_loaded
  FROM :"status_schema".migration_chunk_status
  WHERE run_id = $1
  GROUP BY table_ordinal
) c ON c.table_ordinal = t.table_ordinal
WHERE t.run_id = $1
ORDER BY t.table_ordinal;
