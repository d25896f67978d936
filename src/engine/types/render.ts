// How each Snowflake type is rendered as text inside Snowflake, so values never pass through the
// driver's JS value parsing: r(c) turns a column into one field of a PostgreSQL COPY-text line;
// boundaryText / boundaryCastType turn a split or partition value into text that round-trips
// through CAST in the chunk query.
import type { SourceColumn, SnowflakeType } from './model';

/** Double-quotes a Snowflake identifier exactly as stored, doubling any `"` inside it. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// CHR(...) rather than backslash literals: Snowflake interprets backslashes in string literals
// and DuckDB (behind the emulator) does not; CHR means the same in both.
const BACKSLASH = 'CHR(92)';
const TAB = 'CHR(9)';

/** COPY-text escaping of backslash, tab, newline and carriage return (backslash first). */
export function escapeCopyText(expr: string): string {
  const pairs: Array<[string, string]> = [
    [BACKSLASH, `${BACKSLASH} || ${BACKSLASH}`],
    ['CHR(9)', `${BACKSLASH} || 't'`],
    ['CHR(10)', `${BACKSLASH} || 'n'`],
    ['CHR(13)', `${BACKSLASH} || 'r'`],
  ];
  return pairs.reduce((inner, [from, to]) => `REPLACE(${inner}, ${from}, ${to})`, expr);
}

const TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6';

/** v(c): the column's non-null value as COPY text (NULL stays NULL). */
export function renderValue(column: SourceColumn): string {
  const c = quoteIdent(column.name);
  switch (column.type) {
    case 'NUMBER':
    case 'FLOAT':
      return `TO_VARCHAR(${c})`;
    case 'TEXT':
      return escapeCopyText(c);
    case 'BOOLEAN':
      return `CASE ${c} WHEN TRUE THEN 't' WHEN FALSE THEN 'f' END`;
    case 'DATE':
      return `TO_VARCHAR(${c}, 'YYYY-MM-DD')`;
    case 'TIME':
      return `TO_VARCHAR(${c}, 'HH24:MI:SS.FF6')`;
    case 'TIMESTAMP_NTZ':
      return `TO_VARCHAR(${c}, '${TIMESTAMP_FORMAT}')`;
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return `TO_VARCHAR(${c}, '${TIMESTAMP_FORMAT} TZH:TZM')`;
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return escapeCopyText(`TO_JSON(${c})`);
    case 'BINARY':
      // TO_VARCHAR(binary, 'HEX') is Snowflake's documented binary-to-hex; HEX_ENCODE takes text
      // and could encode the binary's own text form a second time.
      return `${BACKSLASH} || ${BACKSLASH} || 'x' || TO_VARCHAR(${c}, 'HEX')`;
  }
}

/** r(c): one COPY-text field, `\N` for NULL. */
export function renderField(column: SourceColumn): string {
  return `COALESCE(${renderValue(column)}, ${BACKSLASH} || 'N')`;
}

/**
 * The whole row as one COPY-text line (without the trailing newline). One CONCAT_WS rather than a
 * chain of `||`, which builds every intermediate prefix of the line; no field is ever NULL, so
 * CONCAT_WS's NULL result cannot occur.
 */
export function renderRow(columns: readonly SourceColumn[]): string {
  if (columns.length === 0) throw new Error('renderRow: a row needs at least one column');
  return `CONCAT_WS(${TAB}, ${columns.map(renderField).join(', ')})`;
}

/** Types a partition or split column may have: their boundaries round-trip through text. */
export const BOUNDARY_TYPES: readonly SnowflakeType[] = ['NUMBER', 'DATE', 'TIMESTAMP_NTZ', 'TEXT'];

export function isBoundaryType(type: SnowflakeType): boolean {
  return BOUNDARY_TYPES.includes(type);
}

/** text(x): renders a boundary expression of `column`'s type so it round-trips through CAST. */
export function boundaryText(column: SourceColumn, expr: string): string {
  switch (column.type) {
    case 'NUMBER':
      return `TO_VARCHAR(${expr})`;
    case 'DATE':
      return `TO_VARCHAR(${expr}, 'YYYY-MM-DD')`;
    case 'TIMESTAMP_NTZ':
      return `TO_VARCHAR(${expr}, 'YYYY-MM-DD HH24:MI:SS.FF9')`;
    case 'TEXT':
      return expr;
    default:
      throw new Error(`boundaryText: ${column.type} cannot be a partition or split column`);
  }
}

/** The Snowflake type a boundary bind is cast back to, e.g. `NUMBER(38,0)`, `TIMESTAMP_NTZ(9)`. */
export function boundaryCastType(column: SourceColumn): string {
  switch (column.type) {
    case 'NUMBER':
      return `NUMBER(${column.precision ?? 38},${column.scale ?? 0})`;
    case 'DATE':
      return 'DATE';
    // Boundaries are rendered with nine fractional digits, so they are cast back at full precision.
    case 'TIMESTAMP_NTZ':
      return 'TIMESTAMP_NTZ(9)';
    case 'TEXT':
      return 'TEXT';
    default:
      throw new Error(`boundaryCastType: ${column.type} cannot be a partition or split column`);
  }
}
