// Snowflake functions DuckDB lacks, as TEMP macros installed on every pooled connection (TEMP so
// nothing is written into the user's DuckDB file). The type-dispatching ones use typeof(), which
// DuckDB folds to a constant per column type.
import { CLOCK_VARIABLE } from './clock';

const TZ_PARTS = String.raw`regexp_extract(s, '^\s*(\d+-\d+-\d+(?:[ T]\d+:\d+(?::\d+(?:\.\d+)?)?)?)\s*(Z|[+-]\d\d:?\d\d|[+-]\d\d)?\s*$', ['local', 'offset'])`;

export const MACROS: readonly string[] = [
  // CURRENT_TIMESTAMP on the emulator's clock (clock.ts): the wall clock plus the tests' offset.
  `CREATE OR REPLACE TEMP MACRO sf_now() AS current_timestamp + to_microseconds(COALESCE(CAST(getvariable('${CLOCK_VARIABLE}') AS BIGINT), 0))`,
  `CREATE OR REPLACE TEMP MACRO iff(c, a, b) AS CASE WHEN c THEN a ELSE b END`,
  `CREATE OR REPLACE TEMP MACRO nvl(a, b) AS COALESCE(a, b)`,
  `CREATE OR REPLACE TEMP MACRO nvl2(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END`,
  `CREATE OR REPLACE TEMP MACRO zeroifnull(a) AS COALESCE(a, 0)`,
  `CREATE OR REPLACE TEMP MACRO hex_encode(x) AS upper(hex(x))`,
  `CREATE OR REPLACE TEMP MACRO hex_decode_binary(x) AS unhex(x)`,
  `CREATE OR REPLACE TEMP MACRO to_binary(x) AS unhex(x)`,
  // Snowflake stores an OBJECT with its keys sorted, at every depth: PARSE_JSON sorts once, when
  // the value is made (sf_sorted_json, sortedJson.ts), so reading it back (TO_JSON) costs nothing.
  `CREATE OR REPLACE TEMP MACRO sf_parse_json(x) AS json(sf_sorted_json(CAST(json(x) AS VARCHAR)))`,
  `CREATE OR REPLACE TEMP MACRO try_parse_json(x) AS CASE WHEN json_valid(x) THEN sf_parse_json(x) END`,
  // Snowflake prints an integral FLOAT without a fraction (529, not DuckDB's 529.0).
  `CREATE OR REPLACE TEMP MACRO sf_to_varchar(x) AS
     CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT') AND isnan(TRY_CAST(x AS DOUBLE)) THEN 'NaN'
          WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN regexp_replace(CAST(x AS VARCHAR), '\.0$', '')
          ELSE CAST(x AS VARCHAR) END`,
  // The stored text without spaces: its keys are already in Snowflake's order (sf_parse_json).
  `CREATE OR REPLACE TEMP MACRO sf_to_json(x) AS
     CAST(CASE WHEN typeof(x) IN ('VARCHAR', 'JSON') THEN json(TRY_CAST(x AS VARCHAR)) ELSE to_json(x) END AS VARCHAR)`,
  // TIMESTAMP_TZ values held as text: '2024-03-10 12:34:56.123456789 +05:30'
  `CREATE OR REPLACE TEMP MACRO sf_tz_parts(s) AS ${TZ_PARTS}`,
  // A macro repeats its argument's whole expression at every use, and DuckDB plans a chunk query
  // again at every execution with new binds: a lambda's parameter names the parsed text once.
  `CREATE OR REPLACE TEMP MACRO sf_offset_minutes(o) AS list_transform([o], lambda v:
     CASE WHEN v IS NULL OR v IN ('', 'Z') THEN 0
          ELSE (CASE WHEN v[1] = '-' THEN -1 ELSE 1 END)
             * list_transform([replace(substr(v, 2), ':', '')], lambda d:
                 CAST(d[1:2] AS INTEGER) * 60 + CASE WHEN length(d) = 4 THEN CAST(d[3:4] AS INTEGER) ELSE 0 END)[1] END)[1]`,
  `CREATE OR REPLACE TEMP MACRO sf_tz_minutes(x) AS
     CASE WHEN x IS NULL THEN NULL
          WHEN typeof(x) = 'VARCHAR' THEN sf_offset_minutes(sf_tz_parts(TRY_CAST(x AS VARCHAR)).offset)
          ELSE 0 END`,
  `CREATE OR REPLACE TEMP MACRO sf_floor_micros(ns) AS (ns - (ns % 1000 + 1000) % 1000) // 1000`,
  // The wall-clock time of a value: microseconds, years 1..9999 (what PostgreSQL can hold)...
  `CREATE OR REPLACE TEMP MACRO sf_local(x) AS
     CASE WHEN typeof(x) = 'VARCHAR' THEN CAST(sf_tz_parts(TRY_CAST(x AS VARCHAR)).local AS TIMESTAMP)
          WHEN typeof(x) = 'TIME' THEN CAST(DATE '1970-01-01' + TRY_CAST(x AS TIME) AS TIMESTAMP)
          -- Cut nanoseconds as Snowflake's FF6 does (a cast would round): floor of ns / 1000.
          WHEN typeof(x) = 'TIMESTAMP_NS' THEN make_timestamp(sf_floor_micros(epoch_ns(TRY_CAST(x AS TIMESTAMP_NS))))
          ELSE TRY_CAST(x AS TIMESTAMP) END`,
  // ...or nanoseconds, which DuckDB holds only for 1677..2262: for FF7-FF9 and the wire encoding.
  `CREATE OR REPLACE TEMP MACRO sf_local_ns(x) AS
     CASE WHEN typeof(x) = 'VARCHAR' THEN CAST(sf_tz_parts(TRY_CAST(x AS VARCHAR)).local AS TIMESTAMP_NS)
          WHEN typeof(x) = 'TIME' THEN CAST(DATE '1970-01-01' + TRY_CAST(x AS TIME) AS TIMESTAMP_NS)
          ELSE TRY_CAST(x AS TIMESTAMP_NS) END`,
  `CREATE OR REPLACE TEMP MACRO sf_tzh(x) AS list_transform([sf_tz_minutes(x)], lambda m:
     (CASE WHEN m < 0 THEN '-' ELSE '+' END) || lpad(CAST(abs(m) // 60 AS VARCHAR), 2, '0'))[1]`,
  `CREATE OR REPLACE TEMP MACRO sf_tzm(x) AS lpad(CAST(abs(sf_tz_minutes(x)) % 60 AS VARCHAR), 2, '0')`,
  `CREATE OR REPLACE TEMP MACRO sf_to_tz(x) AS
     CASE WHEN typeof(x) = 'VARCHAR'
          THEN CAST(CAST(sf_local(x) AS TIMESTAMP) - to_minutes(sf_tz_minutes(x)) AS TIMESTAMPTZ)
          ELSE TRY_CAST(x AS TIMESTAMPTZ) END`,
  // CONVERT_TIMEZONE('UTC', tz_or_ltz): the UTC wall clock of the instant (what thaw verify
  // renders). Other target zones are refused rather than answered wrongly.
  `CREATE OR REPLACE TEMP MACRO sf_utc(x) AS
     CASE WHEN typeof(x) = 'VARCHAR' THEN sf_local(x) - to_minutes(sf_tz_minutes(x))
          ELSE CAST(timezone('UTC', TRY_CAST(x AS TIMESTAMPTZ)) AS TIMESTAMP) END`,
  `CREATE OR REPLACE TEMP MACRO convert_timezone(zone, x) AS
     CASE WHEN upper(zone) IN ('UTC', 'ETC/UTC') THEN sf_utc(x)
          ELSE error('the emulator supports CONVERT_TIMEZONE(''UTC'', <timestamp>) only') END`,
  // MD5_NUMBER_UPPER64: the first 64 bits of the MD5 digest (big-endian), unsigned.
  `CREATE OR REPLACE TEMP MACRO md5_number_upper64(x) AS CAST('0x' || md5(x)[1:16] AS UBIGINT)`,
  // Wire encodings (snowflake-wire-protocol.md): epoch seconds with a 9-digit fraction, sign first.
  `CREATE OR REPLACE TEMP MACRO sf_wire_ns(ns) AS
     (CASE WHEN ns < 0 THEN '-' ELSE '' END) || CAST(abs(CAST(ns AS HUGEINT)) // 1000000000 AS VARCHAR)
       || '.' || lpad(CAST(abs(CAST(ns AS HUGEINT)) % 1000000000 AS VARCHAR), 9, '0')`,
  `CREATE OR REPLACE TEMP MACRO sf_wire_tz(x) AS
     sf_wire_ns(CAST(epoch_ns(sf_local_ns(x)) AS HUGEINT) - CAST(sf_tz_minutes(x) AS HUGEINT) * 60000000000)
       || ' ' || CAST(sf_tz_minutes(x) + 1440 AS VARCHAR)`,
];
