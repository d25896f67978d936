// Thaw's Snowflake source: connection, the catalog's statements, metadata, planning, chunk streams.
export { openSource, type SnowflakeSource, type SnowflakeSourceOptions } from './connection';
export { classifySourceError, type DriverErrorLike } from './sourceErrors';
export {
  chunkStatement,
  columnsStatement,
  integerRangesStatement,
  nullCountsStatement,
  planStatement,
  snapshotFromSourceTime,
  sourceTimeStatement,
  tableReference,
  tableNamesStatement,
  tableRowCountStatement,
  watermarkStatement,
  type ChunkStatementOptions,
  type WatermarkFilter,
  type PlanStatementOptions,
  type PlanPart,
  type Snapshot,
  type SourceTable,
  type Statement,
} from './sql';
export {
  describeTable,
  findColumn,
  parseColumnRow,
  readColumns,
  readIntegerRanges,
  readNullCounts,
  readSourceTime,
  readTableNames,
  readTableRowCount,
  requireBoundaryType,
  type ColumnRole,
} from './metadata';
export { createClone, dropClone, readRetentionDays } from './snapshotTables';
export { createCloneStatement, dropCloneStatement, tableRetentionStatement } from './snapshotSql';
export { chunkRangesFromPlanRows, parsePlanRow, planChunks, type PlanChunksOptions, type PlanRow } from './plan';
export { streamChunk, type ChunkLines, type NulPolicy, type StreamChunkOptions } from './chunkStream';
