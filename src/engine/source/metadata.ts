// What Thaw reads about a table before planning it: its columns, whether it exists, the integer
// ranges the type mapping needs, and the source clock that pins the snapshot.
import { DefinitionError, SourceError } from '../errors';
import type { IntegerRange } from '../types/mapping';
import { SNOWFLAKE_TYPES, type SnowflakeType, type SourceColumn } from '../types/model';
import { BOUNDARY_TYPES, isBoundaryType } from '../types/render';
import { didYouMean } from '../suggest';
import type { SnowflakeSource } from './connection';
import {
  columnsStatement,
  integerRangesStatement,
  nullCountsStatement,
  snapshotFromSourceTime,
  sourceTimeStatement,
  tableNamesStatement,
  tableRowCountStatement,
  type Snapshot,
  type SourceTable,
} from './sql';

export function describeTable(table: SourceTable): string {
  return `${table.database}.${table.schema}.${table.table}`;
}

/** A count or size from a result row: the driver gives numbers, or strings/BigInts past 2^53. */
export function toCount(value: unknown, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new SourceError(`unexpected ${what} from Snowflake: ${String(value)}`, false);
  return n;
}

function optionalCount(value: unknown, what: string): number | null {
  return value === null || value === undefined ? null : toCount(value, what);
}

interface ColumnRow {
  COLUMN_NAME: string;
  DATA_TYPE: string;
  NUMERIC_PRECISION: unknown;
  NUMERIC_SCALE: unknown;
  DATETIME_PRECISION: unknown;
  IS_NULLABLE: string;
  ORDINAL_POSITION: unknown;
}

export function parseColumnRow(row: ColumnRow, table: SourceTable): SourceColumn {
  const type = row.DATA_TYPE.toUpperCase();
  if (!(SNOWFLAKE_TYPES as readonly string[]).includes(type)) {
    throw new DefinitionError(`column ${row.COLUMN_NAME} has type ${row.DATA_TYPE}, which Thaw cannot move (supported: ${SNOWFLAKE_TYPES.join(', ')})`, {
      table: describeTable(table),
      column: row.COLUMN_NAME,
    });
  }
  const snowflakeType = type as SnowflakeType;
  const temporal = snowflakeType === 'TIME' || snowflakeType.startsWith('TIMESTAMP_');
  return {
    name: row.COLUMN_NAME,
    type: snowflakeType,
    precision: snowflakeType === 'NUMBER' ? optionalCount(row.NUMERIC_PRECISION, 'NUMERIC_PRECISION') : null,
    scale:
      snowflakeType === 'NUMBER'
        ? optionalCount(row.NUMERIC_SCALE, 'NUMERIC_SCALE')
        : temporal
          ? optionalCount(row.DATETIME_PRECISION, 'DATETIME_PRECISION')
          : null,
    nullable: row.IS_NULLABLE === 'YES',
    ordinal: toCount(row.ORDINAL_POSITION, 'ORDINAL_POSITION'),
  };
}

/** The table's columns in order; a table that does not exist (or is not visible) is an error. */
export async function readColumns(source: SnowflakeSource, table: SourceTable): Promise<SourceColumn[]> {
  const { sql, binds } = columnsStatement(table);
  const rows = await source.execute<ColumnRow>(sql, binds, { table: describeTable(table) });
  if (rows.length === 0) throw await missingTable(source, table);
  return rows.map((row) => parseColumnRow(row, table));
}

/** The error for a table Snowflake does not show: with the closest name the schema has (a lower-cased name, a typo). */
async function missingTable(source: SnowflakeSource, table: SourceTable): Promise<DefinitionError> {
  const names = await readTableNames(source, table);
  const schema = `${table.database}.${table.schema}`;
  const hint = names.length === 0 ? `; schema ${schema} has no table the role can see` : didYouMean(table.table, names);
  return new DefinitionError(`source_table "${table.table}": ${describeTable(table)} does not exist in Snowflake, or the role cannot see it${hint}`, {
    table: describeTable(table),
    path: 'source_table',
  });
}

/** The tables and views of the table's schema. */
export async function readTableNames(source: SnowflakeSource, table: SourceTable): Promise<string[]> {
  const { sql, binds } = tableNamesStatement(table);
  const rows = await source.execute<{ TABLE_NAME: string }>(sql, binds, { table: describeTable(table) });
  return rows.map((r) => r.TABLE_NAME);
}

/** NULLs in each given column at the snapshot, keyed by column name. */
export async function readNullCounts(
  source: SnowflakeSource,
  table: SourceTable,
  columns: readonly SourceColumn[],
  snapshot?: Snapshot,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (columns.length === 0) return counts;
  const { sql, binds } = nullCountsStatement(table, columns, snapshot);
  const [row] = await source.execute<Record<string, unknown>>(sql, binds, { table: describeTable(table) });
  columns.forEach((c, i) => counts.set(c.name, toCount(row?.[`NULLS_${i + 1}`] ?? 0, 'NULL count')));
  return counts;
}

/** INFORMATION_SCHEMA's row count (approximate: the plan counts exactly). */
export async function readTableRowCount(source: SnowflakeSource, table: SourceTable): Promise<number> {
  const { sql, binds } = tableRowCountStatement(table);
  const rows = await source.execute<{ ROW_COUNT: unknown }>(sql, binds, { table: describeTable(table) });
  const row = rows[0];
  if (!row) throw new DefinitionError(`table ${describeTable(table)} does not exist in Snowflake, or the role cannot see it`, { table: describeTable(table) });
  return optionalCount(row.ROW_COUNT, 'ROW_COUNT') ?? 0;
}

/** MIN/MAX of each given column (pick them with `needsIntegerRange`), keyed by column name. */
export async function readIntegerRanges(
  source: SnowflakeSource,
  table: SourceTable,
  columns: readonly SourceColumn[],
  snapshot?: Snapshot,
): Promise<Map<string, IntegerRange>> {
  const ranges = new Map<string, IntegerRange>();
  if (columns.length === 0) return ranges;
  const { sql, binds } = integerRangesStatement(table, columns, snapshot);
  const [row] = await source.execute<Record<string, string | null>>(sql, binds, { table: describeTable(table) });
  columns.forEach((c, i) => ranges.set(c.name, { min: row?.[`MIN_${i + 1}`] ?? null, max: row?.[`MAX_${i + 1}`] ?? null }));
  return ranges;
}

/** The source's current time as a UTC snapshot for Time Travel. */
export async function readSourceTime(source: SnowflakeSource): Promise<Snapshot> {
  const { sql, binds } = sourceTimeStatement();
  const [row] = await source.execute<{ NOW: string }>(sql, binds);
  if (!row) throw new SourceError('Snowflake returned no current time', true);
  return snapshotFromSourceTime(row.NOW);
}

export type ColumnRole = 'partition_column' | 'split_column' | 'primary_key' | 'source_watermark' | 'verify.columns';

/** The configured column `name` among `columns`; an error naming the table and the setting when it is missing. */
export function findColumn(columns: readonly SourceColumn[], name: string, role: ColumnRole, table: SourceTable): SourceColumn {
  const column = columns.find((c) => c.name === name);
  if (column) return column;
  const names = columns.map((c) => c.name);
  throw new DefinitionError(`${role} "${name}" is not a column of ${describeTable(table)}${didYouMean(name, names)}`, {
    table: describeTable(table),
    column: name,
    path: role,
  });
}

/** A partition or split column must have a type whose values bound a chunk exactly. */
export function requireBoundaryType(table: SourceTable, column: SourceColumn, role: 'partition_column' | 'split_column'): void {
  if (isBoundaryType(column.type)) return;
  throw new DefinitionError(`${role} "${column.name}" has type ${column.type}; a ${role} must be one of ${BOUNDARY_TYPES.join(', ')}`, {
    table: describeTable(table),
    column: column.name,
    path: role,
  });
}
