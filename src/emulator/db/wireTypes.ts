// How a DuckDB result column appears on Snowflake's wire: its rowtype entry and the SQL that
// renders its values as the strings the driver expects (snowflake-wire-protocol.md). Rendering
// happens inside DuckDB so a large result streams out as plain strings.

export interface RowType {
  name: string;
  database: string;
  schema: string;
  table: string;
  type: string;
  precision: number | null;
  scale: number | null;
  length: number | null;
  byteLength: number | null;
  nullable: boolean;
  collation: null;
}

export interface WireColumn {
  rowType: RowType;
  /** SQL rendering `ref` (a column reference) as its wire string, NULL staying NULL. */
  render: (ref: string) => string;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'BIGNUM']);
const TEXT_LENGTH = 16777216;
const BINARY_LENGTH = 8388608;

function rowType(name: string, type: string, extra: Partial<RowType> = {}): RowType {
  return { name, database: '', schema: '', table: '', type, precision: null, scale: null, length: null, byteLength: null, nullable: true, collation: null, ...extra };
}

const asText = (ref: string) => `CAST(${ref} AS VARCHAR)`;

/**
 * @param duckdbType DuckDB's type name (DuckDBType.toString()), e.g. 'DECIMAL(18,4)'
 * @param override a Snowflake type from _snowflake_types for this column, if any
 */
export function wireColumn(name: string, duckdbType: string, override?: string): WireColumn {
  const overridden = override?.toUpperCase().replace(/\(.*$/, '');
  if (overridden === 'TIMESTAMP_TZ' && duckdbType === 'VARCHAR') {
    return { rowType: rowType(name, 'timestamp_tz', { precision: 0, scale: 9 }), render: (r) => `sf_wire_tz(${r})` };
  }
  if ((overridden === 'OBJECT' || overridden === 'ARRAY' || overridden === 'VARIANT') && (duckdbType === 'VARCHAR' || duckdbType === 'JSON')) {
    return { rowType: rowType(name, overridden.toLowerCase()), render: asText };
  }
  if (INTEGER_TYPES.has(duckdbType)) return { rowType: rowType(name, 'fixed', { precision: 38, scale: 0 }), render: asText };
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckdbType);
  if (decimal) return { rowType: rowType(name, 'fixed', { precision: Number(decimal[1]), scale: Number(decimal[2]) }), render: asText };
  switch (duckdbType) {
    case 'DOUBLE':
    case 'FLOAT':
      return {
        rowType: rowType(name, 'real'),
        render: (r) => `CASE WHEN isnan(${r}) THEN 'NaN' WHEN ${r} = 'inf'::DOUBLE THEN 'Infinity' WHEN ${r} = '-inf'::DOUBLE THEN '-Infinity' ELSE CAST(${r} AS VARCHAR) END`,
      };
    case 'VARCHAR':
      return { rowType: rowType(name, 'text', { length: TEXT_LENGTH, byteLength: TEXT_LENGTH }), render: (r) => r };
    case 'BOOLEAN':
      return { rowType: rowType(name, 'boolean'), render: (r) => `CASE ${r} WHEN TRUE THEN '1' WHEN FALSE THEN '0' END` };
    case 'DATE':
      return { rowType: rowType(name, 'date'), render: (r) => `CAST(${r} - DATE '1970-01-01' AS VARCHAR)` };
    case 'TIME':
      return { rowType: rowType(name, 'time', { scale: 9 }), render: (r) => `sf_wire_ns(CAST(epoch_us(${r}) AS HUGEINT) * 1000)` };
    case 'TIMESTAMP':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_MS':
      return { rowType: rowType(name, 'timestamp_ntz', { precision: 0, scale: 9 }), render: (r) => `sf_wire_ns(CAST(epoch_us(CAST(${r} AS TIMESTAMP)) AS HUGEINT) * 1000)` };
    case 'TIMESTAMP_NS':
      return { rowType: rowType(name, 'timestamp_ntz', { precision: 0, scale: 9 }), render: (r) => `sf_wire_ns(epoch_ns(${r}))` };
    case 'TIMESTAMP WITH TIME ZONE':
      return { rowType: rowType(name, 'timestamp_ltz', { precision: 0, scale: 9 }), render: (r) => `sf_wire_ns(CAST(epoch_us(${r}) AS HUGEINT) * 1000)` };
    case 'JSON':
      return { rowType: rowType(name, 'variant'), render: asText };
    case 'BLOB':
      return { rowType: rowType(name, 'binary', { length: BINARY_LENGTH, byteLength: BINARY_LENGTH }), render: (r) => `hex(${r})` };
    case '"NULL"':
    case 'NULL':
      return { rowType: rowType(name, 'text', { length: TEXT_LENGTH, byteLength: TEXT_LENGTH }), render: asText };
  }
  if (duckdbType.endsWith(']')) return { rowType: rowType(name, 'array'), render: (r) => `CAST(to_json(${r}) AS VARCHAR)` };
  if (/^(STRUCT|MAP)\(/.test(duckdbType)) return { rowType: rowType(name, 'object'), render: (r) => `CAST(to_json(${r}) AS VARCHAR)` };
  return { rowType: rowType(name, 'text', { length: TEXT_LENGTH, byteLength: TEXT_LENGTH }), render: asText };
}
