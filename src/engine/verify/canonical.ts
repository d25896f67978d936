// The canonical text of a row that `thaw verify` checksums, written twice: once in Snowflake SQL
// over the source columns, once in PostgreSQL over the target columns. Both sides must produce
// the same text for the same value, so the sums of their hashes agree exactly when the rows do.
// test/engine/verify.test.ts compares the two texts row by row over the demo's edge-case data.
//
// Per type (Snowflake → PostgreSQL type of the default mapping):
//   NUMBER  → bigint/numeric     TO_VARCHAR(c)                    c::text (same scale digits)
//   FLOAT   → double precision   TO_VARCHAR(c): 'inf', '-inf', 'NaN', shortest round-trip digits
//   TEXT    → text               the text, COPY-escaped (so the tab between fields is unambiguous)
//   BOOLEAN → boolean            't' / 'f'
//   DATE, TIME, TIMESTAMP_NTZ    YYYY-MM-DD / HH24:MI:SS.FF6 / both, microseconds
//   TIMESTAMP_LTZ/TZ → timestamptz   the instant in UTC, microseconds (a TZ's offset is not kept)
//   BINARY  → bytea              upper-case hex
//   VARIANT/OBJECT/ARRAY → jsonb JSON without spaces, every object's keys in byte order: Snowflake's
//                                TO_JSON (Snowflake keeps an OBJECT's keys sorted), and the status
//                                schema's canonical_json() over the jsonb (migrations 000005, 000007). The
//                                one value this misses: a number Snowflake writes in exponent
//                                notation (a double beyond NUMBER's range, e.g. 1e300), which jsonb
//                                holds as plain digits — such a row shows as a mismatch.
// A NULL is `\N`. A column_types override to another PostgreSQL type may render differently.
import pg from 'pg';
import type { ColumnMapping, SourceColumn } from '../types/model';
import { escapeCopyText, quoteIdent, renderValue } from '../types/render';

/** A target column and the source column it was loaded from (a ColumnMapping is one). */
export type CanonicalColumn = Pick<ColumnMapping, 'source' | 'targetName'>;

const BACKSLASH = 'CHR(92)';
const TAB = 'CHR(9)';
const UTC_MICROS = 'YYYY-MM-DD HH24:MI:SS.FF6';

/** Snowflake: one column's canonical text (NULL stays NULL). */
export function sourceCanonicalValue(column: SourceColumn): string {
  const c = quoteIdent(column.name);
  switch (column.type) {
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return `TO_VARCHAR(CONVERT_TIMEZONE('UTC', ${c}), '${UTC_MICROS}')`;
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return `TO_JSON(${c})`;
    case 'BINARY':
      return `TO_VARCHAR(${c}, 'HEX')`;
    default:
      // The COPY rendering is already canonical for every other type.
      return renderValue(column);
  }
}

/** Snowflake: the whole canonical row. */
export function sourceCanonicalRow(columns: readonly SourceColumn[]): string {
  return columns.map((c) => `COALESCE(${sourceCanonicalValue(c)}, ${BACKSLASH} || 'N')`).join(` || ${TAB} || `);
}

/** PostgreSQL: one target column's canonical text, by the source type it was loaded from. */
export function targetCanonicalValue(mapping: CanonicalColumn, statusSchema: string): string {
  const c = pg.escapeIdentifier(mapping.targetName);
  switch (mapping.source.type) {
    case 'NUMBER':
      return `${c}::text`;
    case 'FLOAT':
      return `CASE WHEN ${c} = 'Infinity' THEN 'inf' WHEN ${c} = '-Infinity' THEN '-inf' ELSE ${c}::text END`;
    case 'TEXT':
      // REPLACE and CHR mean the same in PostgreSQL: the one escaping serves both sides.
      return escapeCopyText(`${c}::text`);
    case 'BOOLEAN':
      return `CASE ${c} WHEN true THEN 't' WHEN false THEN 'f' END`;
    case 'DATE':
      return `to_char(${c}, 'YYYY-MM-DD')`;
    case 'TIME':
      return `to_char('2000-01-01'::date + ${c}, 'HH24:MI:SS.US')`;
    case 'TIMESTAMP_NTZ':
      return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return `${pg.escapeIdentifier(statusSchema)}.canonical_json(${c}::jsonb)`;
    case 'BINARY':
      return `upper(encode(${c}, 'hex'))`;
  }
}

/** PostgreSQL: the whole canonical row; `statusSchema` holds canonical_json(). */
export function targetCanonicalRow(mappings: readonly CanonicalColumn[], statusSchema: string): string {
  return mappings.map((m) => `COALESCE(${targetCanonicalValue(m, statusSchema)}, chr(92) || 'N')`).join(` || chr(9) || `);
}
