-- The newest finished `thaw verify` of a config ($1 config hash) that compared a table of run $2
-- (NULL: of any run), or the one with id $3, one row per table it compared: its partitions counted, the rows on each side,
-- and the partitions that differ in partition order (NULL last).
WITH newest AS (
  SELECT v.*
  FROM :"status_schema".migration_verifications v
  WHERE v.config_hash = $1
    AND v.finished_at IS NOT NULL
    AND ($3::text IS NULL OR v.verify_id = $3)
    AND ($2::text IS NULL OR EXISTS (
      SELECT 1
      FROM :"status_schema".migration_verify_partitions p
      JOIN :"status_schema".migration_table_status t
        ON t.run_id = $2 AND t.target_schema = p.target_schema AND t.target_table = p.target_table
      WHERE p.verify_id = v.verify_id))
  ORDER BY v.finished_at DESC
  LIMIT 1
)
SELECT n.verify_id, n.config_hash, n.started_at, n.finished_at, n.equal, n.repair_run_id,
       p.source_table, p.target_schema, p.target_table,
       count(p.verify_id) AS partitions,
       count(p.verify_id) FILTER (WHERE p.equal) AS equal_partitions,
       coalesce(sum(p.source_rows), 0) AS source_rows,
       coalesce(sum(p.target_rows), 0) AS target_rows,
       coalesce(jsonb_agg(jsonb_build_object('partitionValue', p.partition_value, 'partitionIsNull', p.partition_is_null,
                                             'sourceRows', p.source_rows, 'targetRows', p.target_rows)
                          ORDER BY p.partition_is_null, p.partition_value) FILTER (WHERE NOT p.equal), '[]') AS mismatches
FROM newest n
LEFT JOIN :"status_schema".migration_verify_partitions p ON p.verify_id = n.verify_id
GROUP BY n.verify_id, n.config_hash, n.started_at, n.finished_at, n.equal, n.repair_run_id, p.source_table, p.target_schema, p.target_table
ORDER BY p.target_schema, p.target_table;
