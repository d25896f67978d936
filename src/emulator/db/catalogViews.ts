// INFORMATION_SCHEMA.COLUMNS and TABLES answered the Snowflake way: Snowflake type names, schema
// PUBLIC for DuckDB's main, overrides from _snowflake_types, exact ROW_COUNT.
import type { DuckDBConnection } from '@duckdb/node-api';
import { COLUMNS_VIEW, TABLES_VIEW, type TableName } from '../sql/translate';

export const OVERRIDES_TABLE = '_snowflake_types';
export const VERSIONS_SCHEMA = '__thaw_tt';

const USER_COLUMNS = `NOT c.internal AND c.database_name = current_database() AND c.schema_name <> '${VERSIONS_SCHEMA}' AND c.table_name <> '${OVERRIDES_TABLE}'`;

const SNOWFLAKE_TYPE = `CASE
  WHEN o.st IS NOT NULL THEN regexp_extract(o.st, '^[A-Z_]+')
  WHEN c.data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT','UTINYINT','USMALLINT','UINTEGER','UBIGINT','UHUGEINT') OR c.data_type LIKE 'DECIMAL%' THEN 'NUMBER'
  WHEN c.data_type IN ('DOUBLE','FLOAT') THEN 'FLOAT'
  WHEN c.data_type IN ('BOOLEAN','DATE','TIME') THEN c.data_type
  WHEN c.data_type LIKE 'TIMESTAMP%' AND c.data_type <> 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_NTZ'
  WHEN c.data_type = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_LTZ'
  WHEN c.data_type = 'JSON' THEN 'VARIANT'
  WHEN c.data_type = 'BLOB' THEN 'BINARY'
  WHEN c.data_type LIKE '%]' THEN 'ARRAY'
  WHEN c.data_type LIKE 'STRUCT%' OR c.data_type LIKE 'MAP%' THEN 'OBJECT'
  ELSE 'TEXT' END`;

export const CATALOG_VIEWS: readonly string[] = [
  `CREATE OR REPLACE TEMP VIEW "${COLUMNS_VIEW}" AS
   WITH o AS (SELECT upper(table_name) AS t, upper(column_name) AS col, upper(snowflake_type) AS st FROM main.${OVERRIDES_TABLE}),
   typed AS (
     SELECT c.*, o.st, ${SNOWFLAKE_TYPE} AS sf_type
     FROM duckdb_columns() c LEFT JOIN o ON o.t = upper(c.table_name) AND o.col = upper(c.column_name)
     WHERE ${USER_COLUMNS})
   SELECT current_database() AS "TABLE_CATALOG",
          CASE WHEN schema_name = 'main' THEN 'PUBLIC' ELSE upper(schema_name) END AS "TABLE_SCHEMA",
          table_name AS "TABLE_NAME", column_name AS "COLUMN_NAME", column_index AS "ORDINAL_POSITION",
          CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS "IS_NULLABLE",
          sf_type AS "DATA_TYPE",
          CASE WHEN sf_type <> 'NUMBER' THEN NULL WHEN data_type LIKE 'DECIMAL%' THEN numeric_precision ELSE 38 END AS "NUMERIC_PRECISION",
          CASE WHEN sf_type <> 'NUMBER' THEN NULL WHEN data_type LIKE 'DECIMAL%' THEN numeric_scale ELSE 0 END AS "NUMERIC_SCALE",
          CASE WHEN sf_type NOT IN ('TIME','TIMESTAMP_NTZ','TIMESTAMP_LTZ','TIMESTAMP_TZ') THEN NULL
               WHEN st IS NOT NULL THEN COALESCE(TRY_CAST(regexp_extract(st, '\\((\\d+)\\)', 1) AS INTEGER), 9)
               WHEN data_type = 'TIMESTAMP_NS' THEN 9 WHEN data_type = 'TIMESTAMP_S' THEN 0 WHEN data_type = 'TIMESTAMP_MS' THEN 3
               ELSE 6 END AS "DATETIME_PRECISION",
          CASE WHEN sf_type = 'TEXT' THEN 16777216 WHEN sf_type = 'BINARY' THEN 8388608 END AS "CHARACTER_MAXIMUM_LENGTH",
          column_default AS "COLUMN_DEFAULT", comment AS "COMMENT"
   FROM typed`,
];

/**
 * TABLES needs exact row counts, which no view can give; it is rebuilt before each read. Its
 * RETENTION_TIME is each table's DATA_RETENTION_TIME_IN_DAYS, which the emulator keeps.
 */
export async function refreshTablesView(conn: DuckDBConnection, retentionDays: (table: TableName) => number): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary AND database_name = current_database()
       AND schema_name <> '${VERSIONS_SCHEMA}' AND table_name <> '${OVERRIDES_TABLE}'`,
  );
  const counts = reader.getRows().map(([schema, table]) => {
    const s = String(schema).replaceAll("'", "''");
    const t = String(table).replaceAll("'", "''");
    const days = retentionDays({ schema: String(schema), table: String(table) });
    return `SELECT '${s}' AS s, '${t}' AS t, 'BASE TABLE' AS k, count(*) AS n, ${days} AS r FROM "${String(schema).replaceAll('"', '""')}"."${String(table).replaceAll('"', '""')}"`;
  });
  counts.push(`SELECT v.schema_name, v.view_name, 'VIEW', NULL, NULL FROM duckdb_views() v WHERE NOT v.internal AND NOT v.temporary AND v.database_name = current_database()`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE "${TABLES_VIEW}" AS
    SELECT current_database() AS "TABLE_CATALOG", CASE WHEN s = 'main' THEN 'PUBLIC' ELSE upper(s) END AS "TABLE_SCHEMA",
           t AS "TABLE_NAME", k AS "TABLE_TYPE", CAST(n AS BIGINT) AS "ROW_COUNT", CAST(NULL AS BIGINT) AS "BYTES",
           CAST(r AS BIGINT) AS "RETENTION_TIME"
    FROM (${counts.join(' UNION ALL ')}) AS x(s, t, k, n, r)`);
}
