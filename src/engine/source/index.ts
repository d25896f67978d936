// Thaw's Snowflake source: connection, the catalog's statements, metadata, planning, chunk streams.
export { openSource, type SnowflakeSource, type SnowflakeSourceOptions } from './connection';
export { classifySourceError, type DriverErrorLike } from './sourceErrors';
export {
  chunkStatement,
  columnsStatement,
  integerRangesStatement,
  planStatement,
  snapshotFromSourceTime,
  sourceTimeStatement,
  tableReference,
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
  readSourceTime,
  readTableRowCount,
  requireBoundaryType,
  type ColumnRole,
} from './metadata';
export { chunkRangesFromPlanRows, parsePlanRow, planChunks, type PlanChunksOptions, type PlanRow } from './plan';
export { ChunkLineStream, streamChunk, type NulPolicy, type StreamChunkOptions } from './chunkStream';
