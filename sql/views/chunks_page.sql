-- One page of a run's chunks in chunk order, with the number of chunks the filters match.
-- $1 run id, $2 table ordinal (NULL: all), $3 state (NULL: all),
-- $4 partition filter: 'any', 'null' (the NULL partition) or 'value' ($5 the value), $6 offset, $7 limit.
-- Always one row at least: an empty page still carries the total.
WITH matching AS (
  SELECT * FROM :"status_schema".migration_chunk_status
  WHERE run_id = $1
    AND ($2::int IS NULL OR table_ordinal = $2)
    AND ($3::text IS NULL OR status = $3)
    AND ($4 = 'any' OR ($4 = 'null' AND partition_is_null) OR ($4 = 'value' AND NOT partition_is_null AND partition_value = $5))
)
SELECT (SELECT count(*) FROM matching) AS total, page.*
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (SELECT * FROM matching ORDER BY chunk_id OFFSET $6 LIMIT $7) AS page ON true;
