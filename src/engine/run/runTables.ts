// What the executor needs to know about each table of a run, rebuilt from the status tables (the
// mappings the plan stored) and the config (whose table definitions the run's hash pins).
import { findColumn, type SourceTable, type WatermarkFilter } from '../source';
import { sinceOf, type TableWatermark } from '../incremental/watermark';
import type { UpsertKey } from '../target/upsertChunk';
import type { ColumnMapping, SourceColumn } from '../types/model';
import type { ResolvedTable } from '../config';
import { RefusedError } from '../errors';
import type { Session } from '../session';
import type { TableRecord } from '../state';

export interface RunTable {
  ordinal: number;
  sourceTable: SourceTable;
  /** The snapshot clone chunks read instead of sourceTable: the table as of the run's snapshot. */
  cloneTable?: SourceTable;
  target: { schema: string; table: string };
  mappings: ColumnMapping[];
  columns: SourceColumn[];
  targetColumns: string[];
  partition?: SourceColumn;
  split: SourceColumn;
  /** The column whose value names a bad row in errors: the first primary-key column, else the split column. */
  keyColumn: SourceColumn;
  primaryKey: string[];
  createdTable: boolean;
  onNul: 'error' | 'strip';
  /** insert_only_mode false: chunks are merged on the primary key, not appended. */
  upsert?: UpsertKey;
  /** An incremental run's watermark filter: its chunks read only these rows. */
  since?: WatermarkFilter;
}

export function sourceTableOf(database: string, table: ResolvedTable): SourceTable {
  return { database, schema: table.source_schema, table: table.source_table };
}

/** The config's definition of a run's table: matched by target, as the config hash pins them. */
export function configTableOf(session: Session, record: TableRecord): ResolvedTable {
  const table = session.config.tables.find((t) => t.target_schema === record.targetSchema && t.target_table === record.targetTable);
  if (!table) throw new RefusedError(`run ${record.runId} loads ${record.targetSchema}.${record.targetTable}, which this config does not list`, { runId: record.runId });
  return table;
}

/** The primary key's target column names. */
export function targetKeyOf(table: ResolvedTable, mappings: readonly ColumnMapping[]): string[] {
  return table.primary_key.map((name) => mappings.find((m) => m.source.name === name)?.targetName ?? name.toLowerCase());
}

export function buildRunTable(
  ordinal: number,
  sourceTable: SourceTable,
  table: ResolvedTable,
  mappings: ColumnMapping[],
  createdTable: boolean,
  watermark?: TableWatermark,
): RunTable {
  const columns = mappings.map((m) => m.source);
  const split = findColumn(columns, table.split_column, 'split_column', sourceTable);
  const partition = table.partition_column ? findColumn(columns, table.partition_column, 'partition_column', sourceTable) : undefined;
  const primaryKey = table.primary_key;
  const keyColumn = primaryKey[0] ? findColumn(columns, primaryKey[0], 'primary_key', sourceTable) : split;
  const targetKey = targetKeyOf(table, mappings);
  const since = sinceOf(watermark, columns, sourceTable);
  return {
    ordinal,
    sourceTable,
    target: { schema: table.target_schema, table: table.target_table },
    mappings,
    columns,
    targetColumns: mappings.map((m) => m.targetName),
    partition,
    split,
    keyColumn,
    primaryKey: targetKey,
    createdTable,
    onNul: table.on_nul_character,
    ...(table.insert_only_mode ? {} : { upsert: { key: targetKey, watermark: table.target_watermark } }),
    ...(since ? { since } : {}),
  };
}
