// Snowflake type names as DuckDB types, for CAST, `::` and CREATE TABLE column definitions.
import type { Token } from './lexer';

export interface MappedType {
  /** The DuckDB type to write. */
  duckdb: string;
  /** The Snowflake type family (NUMBER, TIMESTAMP_TZ, ...). */
  snowflake: string;
  /** How many tokens the Snowflake type name took. */
  length: number;
}

const WORDS: Record<string, string> = {
  NUMBER: 'NUMBER', NUMERIC: 'NUMBER', DECIMAL: 'NUMBER', DEC: 'NUMBER',
  INT: 'INT', INTEGER: 'INT', BIGINT: 'INT', SMALLINT: 'INT', TINYINT: 'INT', BYTEINT: 'INT', HUGEINT: 'INT',
  FLOAT: 'FLOAT', FLOAT4: 'FLOAT', FLOAT8: 'FLOAT', DOUBLE: 'FLOAT', REAL: 'FLOAT',
  VARCHAR: 'TEXT', STRING: 'TEXT', TEXT: 'TEXT', CHAR: 'TEXT', CHARACTER: 'TEXT', NCHAR: 'TEXT', NVARCHAR: 'TEXT',
  BINARY: 'BINARY', VARBINARY: 'BINARY', BLOB: 'BINARY',
  BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN', DATE: 'DATE', TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP_NTZ', DATETIME: 'TIMESTAMP_NTZ', TIMESTAMP_NTZ: 'TIMESTAMP_NTZ',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ', TIMESTAMPTZ: 'TIMESTAMP_LTZ', TIMESTAMP_TZ: 'TIMESTAMP_TZ',
  VARIANT: 'VARIANT', JSON: 'VARIANT', OBJECT: 'OBJECT', ARRAY: 'ARRAY',
};

export function isTypeWord(word: string): boolean {
  return word.toUpperCase() in WORDS;
}

/** Reads a Snowflake type starting at tokens[i]; null when tokens[i] does not name one. */
export function readType(tokens: readonly Token[], i: number): MappedType | null {
  const first = tokens[i];
  if (!first || first.kind !== 'word') return null;
  const family = WORDS[first.value.toUpperCase()];
  if (!family) return null;
  let length = 1;
  // DOUBLE PRECISION, CHARACTER VARYING
  if (/^(PRECISION|VARYING)$/i.test(tokens[i + 1]?.value ?? '')) length++;
  const args: number[] = [];
  if (tokens[i + length]?.text === '(') {
    let j = i + length + 1;
    while (tokens[j] && tokens[j]!.text !== ')') {
      if (tokens[j]!.kind === 'number') args.push(Number(tokens[j]!.value));
      j++;
    }
    length = j - i + 1;
  }
  return { duckdb: duckdbType(family, args), snowflake: family === 'INT' ? 'NUMBER' : family, length };
}

function duckdbType(family: string, args: number[]): string {
  switch (family) {
    case 'NUMBER':
      return `DECIMAL(${args[0] ?? 38},${args[1] ?? 0})`;
    case 'INT':
      return 'BIGINT';
    case 'FLOAT':
      return 'DOUBLE';
    case 'TEXT':
      return 'VARCHAR';
    case 'BINARY':
      return 'BLOB';
    case 'TIMESTAMP_NTZ':
      return (args[0] ?? 9) > 6 ? 'TIMESTAMP_NS' : 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return 'TIMESTAMPTZ';
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return 'JSON';
    default:
      return family;
  }
}
