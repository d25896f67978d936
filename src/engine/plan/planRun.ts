// The plan of a run: per table its columns and their PostgreSQL types, and its chunks with exact
// row counts from ONE aggregated source query (never a COUNT per chunk, never OFFSET), all read at
// one pinned source time so the counts stay exact however long the load takes.
import pLimit from 'p-limit';
import type { ResolvedTable } from '../config';
import { planWatermark, type TableWatermark } from '../incremental/watermark';
import { DefinitionError } from '../errors';
import {
  describeTable,
  findColumn,
  planChunks,
  readColumns,
  readIntegerRanges,
  readRetentionDays,
  readSourceTime,
  type PlanPart,
  type Snapshot,
  type SourceTable,
} from '../source';
import { mapColumns, needsIntegerRange } from '../types';
import type { ChunkRange, ColumnMapping } from '../types/model';
import type { Session } from '../session';
import { sourceTableOf } from '../run/runTables';
import { checkColumnTypes, checkKeyNulls } from './preflight';

export interface PlannedTable {
  ordinal: number;
  config: ResolvedTable;
  sourceTable: SourceTable;
  mappings: ColumnMapping[];
  chunks: ChunkRange[];
  totalRows: number;
  /** Incremental tables (source_watermark set): which rows this run reads, and how far it gets. */
  watermark?: TableWatermark;
  /** DATA_RETENTION_TIME_IN_DAYS, read when the run pins a snapshot: how long Time Travel can read it. */
  retentionDays?: number;
}

export interface PlannedRun {
  snapshot: Snapshot | undefined;
  tables: PlannedTable[];
}

/**
 * Plans one table. `only`: just these parts, NULL split values included, whatever the
 * watermarks (a repair reloads whole partitions).
 */
export async function planTable(
  session: Session,
  table: ResolvedTable,
  ordinal: number,
  batchSize: number,
  snapshot: Snapshot | undefined,
  only?: readonly PlanPart[],
): Promise<PlannedTable> {
  const { source, config } = session;
  const sourceTable = sourceTableOf(config.source.database, table);
  const columns = await readColumns(source, sourceTable);
  const split = findColumn(columns, table.split_column, 'split_column', sourceTable);
  const partition = table.partition_column ? findColumn(columns, table.partition_column, 'partition_column', sourceTable) : undefined;
  for (const key of table.primary_key) findColumn(columns, key, 'primary_key', sourceTable);
  const retentionDays = snapshot ? await readRetentionDays(source, sourceTable) : undefined;
  if (retentionDays === 0) throw noTimeTravel(sourceTable, ordinal);
  const target = { schema: table.target_schema, table: table.target_table };
  await checkKeyNulls(session, { index: ordinal, sourceTable, target, primaryKey: table.primary_key, columns }, snapshot);

  const measured = columns.filter(needsIntegerRange);
  const integerRanges = measured.length > 0 ? await readIntegerRanges(source, sourceTable, measured, snapshot) : new Map();
  const mappings = mapColumns(columns, { integerRanges, overrides: table.column_types, overridesPath: `tables[${ordinal}].column_types` });
  const incremental = table.source_watermark && !only ? await planWatermark(session.pool, source, table, sourceTable, columns, snapshot) : undefined;
  const chunks = await planChunks(source, sourceTable, {
    partition,
    split,
    batchSize,
    snapshot,
    since: incremental?.since,
    ...(only ? { only, withNullSplits: true } : {}),
  });
  return {
    ordinal,
    config: table,
    sourceTable,
    mappings,
    chunks,
    totalRows: chunks.reduce((n, c) => n + c.rows, 0),
    ...(incremental ? { watermark: incremental.watermark } : {}),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}

/** Every read of a pinned snapshot is an AT(); with retention 0 Snowflake answers none of them. */
function noTimeTravel(sourceTable: SourceTable, ordinal: number): DefinitionError {
  return new DefinitionError(
    `source table ${describeTable(sourceTable)} keeps no Time Travel (DATA_RETENTION_TIME_IN_DAYS = 0), so a consistent snapshot of it cannot be read. ` +
      `Give it Time Travel for the load (ALTER TABLE ${describeTable(sourceTable)} SET DATA_RETENTION_TIME_IN_DAYS = 1), ` +
      `or read it without a snapshot ("consistent_snapshot": false) while nothing writes to it`,
    { table: describeTable(sourceTable), path: `tables[${ordinal}]` },
  );
}

export async function planRun(session: Session, batchSize = session.config.batch_size): Promise<PlannedRun> {
  const { config, source } = session;
  await checkColumnTypes(session);
  const snapshot = config.consistent_snapshot ? await readSourceTime(source) : undefined;
  // Tables are planned side by side, a few at a time: each is one heavy aggregate in Snowflake.
  const limit = pLimit(Math.min(4, config.parallel_threads));
  const tables = await Promise.all(config.tables.map((table, i) => limit(() => planTable(session, table, i, batchSize, snapshot))));
  return { snapshot, tables };
}
