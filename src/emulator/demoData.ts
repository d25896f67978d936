// The demo source table, shaped like the seed's fact table and generated inside DuckDB from
// range() and hash() so it is deterministic for a given row count and fast (1M rows in seconds).
// Every nullable column holds some NULLs, including a few VISIT_DATE and VISIT_ID rows.
import type { DuckDBConnection } from '@duckdb/node-api';
import { OVERRIDES_TABLE } from './db/catalogViews';

export const DEMO_TABLE = 'FACTVISITCALLPERFORMANCE_CR';

/** Columns DuckDB holds as text/JSON but Snowflake reports with their own type. */
const DEMO_OVERRIDES: ReadonlyArray<[string, string]> = [
  ['VISIT_START_TZ', 'TIMESTAMP_TZ(9)'],
  ['PRODUCT_CODES', 'ARRAY'],
  ['LOCATION', 'OBJECT'],
];

// h1..h3 are independent pseudo-random 64-bit values per row; `n(h, m)` is h mod m as an integer.
const DEMO_SELECT = `
WITH base AS (
  SELECT range AS i, hash(range) AS h1, hash(range + 7919) AS h2, hash(range * 31 + 104729) AS h3 FROM range(CAST($1 AS BIGINT))
), shaped AS (
  SELECT *,
    CASE WHEN i % 10007 = 11 THEN NULL
         WHEN h1 % 20 = 0 THEN DATE '2024-03-15'
         ELSE DATE '2023-11-01' + CAST(h2 % 200 AS INTEGER) END AS visit_date,
    CAST(h3 % 86400000000 AS BIGINT) AS day_micros
  FROM base
)
SELECT
  CASE WHEN i % 10009 = 13 THEN NULL ELSE 1000000 + i END AS "VISIT_ID",
  visit_date AS "VISIT_DATE",
  CAST(h1 % 250000 AS BIGINT) AS "ACCOUNT_ID",
  CASE WHEN h2 % 97 = 0 THEN NULL ELSE CAST(h2 % 5000 AS INTEGER) END AS "REP_ID",
  CASE WHEN h3 % 89 = 0 THEN NULL ELSE 'T' || lpad(CAST(h3 % 700 AS VARCHAR), 4, '0') END AS "TERRITORY_CODE",
  CASE WHEN h1 % 101 = 0 THEN NULL ELSE (['Phone', 'Field', 'Email', 'Video', 'Conference'])[CAST(h2 % 5 AS INTEGER) + 1] END AS "CHANNEL",
  CASE CAST(h3 % 9 AS INTEGER)
    WHEN 0 THEN NULL
    WHEN 1 THEN ''
    WHEN 2 THEN 'Zürich café ☕ — 東京 visit #' || i
    WHEN 3 THEN 'line one' || chr(10) || 'line two' || chr(13) || chr(10) || 'end'
    WHEN 4 THEN 'col' || chr(9) || 'tab' || chr(9) || 'sep'
    WHEN 5 THEN 'C:' || chr(92) || 'notes' || chr(92) || 'visit' || chr(92) || 'N'
    WHEN 6 THEN 'He said "hello" and ''bye'''
    ELSE 'note ' || i END AS "CALL_NOTES",
  CASE WHEN h1 % 53 = 0 THEN NULL ELSE CAST(h2 % 7200 AS INTEGER) END AS "CALL_DURATION_SEC",
  CASE WHEN h2 % 61 = 0 THEN NULL ELSE CAST((CAST(h1 % 2000000000 AS BIGINT) - 1000000000) AS DECIMAL(18,0)) / 10000 END :: DECIMAL(18,4) AS "REVENUE",
  CASE WHEN h3 % 67 = 0 THEN NULL ELSE CAST(CAST(h3 % 100000000 AS BIGINT) AS DECIMAL(18,4)) / 100 END :: DECIMAL(18,4) AS "COST",
  CASE WHEN h1 % 71 = 0 THEN NULL ELSE CAST(h1 AS DECIMAL(38,0)) * 100000 + i END AS "EVENT_SEQUENCE",
  CASE WHEN i % 100003 = 3 THEN 'NaN'::DOUBLE
       WHEN i % 100003 = 4 THEN 'Infinity'::DOUBLE
       WHEN i % 100003 = 5 THEN '-Infinity'::DOUBLE
       WHEN h2 % 73 = 0 THEN NULL
       ELSE CAST(h3 % 1000000 AS DOUBLE) / 1000 END AS "SCORE",
  CASE WHEN h3 % 50 = 0 THEN NULL ELSE h1 % 3 <> 0 END AS "IS_COMPLETED",
  CASE WHEN h1 % 47 = 0 THEN NULL ELSE h2 % 4 = 0 END AS "IS_FOLLOWUP",
  CASE WHEN visit_date IS NULL OR h2 % 83 = 0 THEN NULL ELSE CAST(visit_date AS TIMESTAMP) + to_microseconds(day_micros) END AS "VISIT_START_NTZ",
  CASE WHEN visit_date IS NULL OR h3 % 79 = 0 THEN NULL ELSE CAST(visit_date AS TIMESTAMP) + to_microseconds(day_micros + CAST(h1 % 7200000000 AS BIGINT)) END AS "VISIT_END_NTZ",
  CASE WHEN visit_date IS NULL OR h1 % 59 = 0 THEN NULL
       ELSE strftime(CAST(visit_date AS TIMESTAMP) + to_microseconds(day_micros), '%Y-%m-%d %H:%M:%S.%f')
            || lpad(CAST(h2 % 1000 AS VARCHAR), 3, '0') || ' '
            || (['+00:00', '+05:30', '-08:00', '+09:00', '-03:30', '+14:00'])[CAST(h3 % 6 AS INTEGER) + 1] END AS "VISIT_START_TZ",
  CASE WHEN h2 % 43 = 0 THEN NULL ELSE CAST(TIMESTAMP '2023-10-01' + to_microseconds(CAST(h1 % 20000000000000 AS BIGINT)) AS TIMESTAMPTZ) END AS "CREATED_AT_LTZ",
  CASE WHEN h3 % 41 = 0 THEN NULL ELSE CAST(TIME '00:00:00' + to_microseconds(day_micros) AS TIME) END AS "SLOT_TIME",
  CASE WHEN h1 % 37 = 0 THEN NULL
       -- keys in byte order at every depth, as Snowflake stores an OBJECT (sortedJson.ts)
       ELSE json_object('detail', json_object('comment', CASE WHEN h2 % 3 = 0 THEN 'ok "quoted"' ELSE NULL END, 'survey', h1 % 2 = 0),
                        'rating', CAST(h2 % 5 AS INTEGER) + 1, 'tags', json_array('t' || (h3 % 10), 'x'), 'visit', i) END AS "ATTRIBUTES",
  CASE WHEN h2 % 31 = 0 THEN NULL ELSE '["P' || (h1 % 90) || '","P' || (h3 % 90) || '"]' END AS "PRODUCT_CODES",
  CASE WHEN h3 % 29 = 0 THEN NULL ELSE '{"lat":' || CAST(CAST(h1 % 18000 AS DECIMAL(9,2)) / 100 - 90 AS DECIMAL(9,2)) || ',"lon":' || CAST(CAST(h2 % 36000 AS DECIMAL(9,2)) / 100 - 180 AS DECIMAL(9,2)) || '}' END AS "LOCATION",
  CASE WHEN h1 % 23 = 0 THEN NULL ELSE unhex(lpad(printf('%x', h2 % 4294967296), 8, '0') || '00ff') END AS "SIGNATURE",
  CASE WHEN h2 % 19 = 0 THEN NULL ELSE CAST(h3 % 5 AS SMALLINT) END AS "PRIORITY",
  CASE WHEN h3 % 17 = 0 THEN NULL ELSE (['NE', 'SE', 'MW', 'SW', 'W'])[CAST(h1 % 5 AS INTEGER) + 1] END AS "REGION_CODE",
  TIMESTAMP '2024-06-01' + to_seconds(i) AS "UPDATED_AT"
FROM shaped`;

/**
 * How the rows lie in storage. `generated`: in VISIT_ID order, as generated (a chunk of VISIT_IDs
 * is a few contiguous row groups). `visit_date`: by VISIT_DATE, as a fact table loaded day by day
 * lies in Snowflake's micro-partitions, so that a day's chunk reads its day's row groups instead of
 * every row group for a few rows each (the same values either way).
 */
export type DemoOrder = 'generated' | 'visit_date';

/** (Re)creates PUBLIC.FACTVISITCALLPERFORMANCE_CR with `rows` rows. */
export async function seedDemoTable(conn: DuckDBConnection, rows: number, order: DemoOrder = 'generated'): Promise<void> {
  if (!(Number.isInteger(rows) && rows >= 0)) throw new RangeError('demo rows must be a non-negative integer');
  const orderBy = order === 'visit_date' ? ' ORDER BY "VISIT_DATE" NULLS LAST, "VISIT_ID" NULLS LAST' : '';
  await conn.run(`CREATE OR REPLACE TABLE main."${DEMO_TABLE}" AS SELECT * FROM (${DEMO_SELECT})${orderBy}`, [rows]);
  for (const column of ['ACCOUNT_ID', 'UPDATED_AT']) await conn.run(`ALTER TABLE main."${DEMO_TABLE}" ALTER COLUMN "${column}" SET NOT NULL`);
  await conn.run(`DELETE FROM main.${OVERRIDES_TABLE} WHERE upper(table_name) = '${DEMO_TABLE}'`);
  for (const [column, type] of DEMO_OVERRIDES) {
    await conn.run(`INSERT INTO main.${OVERRIDES_TABLE} VALUES ('${DEMO_TABLE}', $1, $2)`, [column, type]);
  }
}
