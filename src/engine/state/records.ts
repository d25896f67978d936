// The rows of the status tables as the engine reads them. bigint columns arrive from pg as text
// and are converted here: row counts stay far below 2^53.
import type { ChunkRange, ColumnMapping } from '../types/model';
import type { ChunkState, RunState, TableState, WorkerState } from './states';

export interface RunRecord {
  runId: string;
  configHash: string;
  configPath: string | null;
  status: RunState;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When it last became in_progress (start, resume, retry). */
  runningSince: Date | null;
  snapshotAt: Date | null;
  parallelThreads: number;
  batchSize: number;
  stopRequested: boolean;
  options: Record<string, unknown>;
  error: string | null;
}

export interface TableRecord {
  runId: string;
  tableOrdinal: number;
  sourceTable: string;
  targetSchema: string;
  targetTable: string;
  configHash: string;
  partitionColumn: string | null;
  splitColumn: string | null;
  primaryKey: string[];
  status: TableState;
  totalChunks: number;
  completedChunks: number;
  failedChunks: number;
  totalRows: number;
  rowsLoaded: number;
  bytesLoaded: number;
  /** Rows whose U+0000 characters were stripped (on_nul_character: "strip"). */
  nulStrippedRows: number;
  /** Column decisions that change values, target columns that differ from the mapping. */
  warnings: string[];
  columnMappings: ColumnMapping[];
  createdTable: boolean;
  truncatedAt: Date | null;
  /** Rows the truncation at the run's start removed. */
  truncatedRows: number | null;
  finalizedAt: Date | null;
  /** Why the primary key could not be added after the full load; null once it was. */
  finalizeError: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  error: string | null;
}

export interface ChunkRecord extends ChunkRange {
  runId: string;
  chunkId: number;
  tableOrdinal: number;
  status: ChunkState;
  attempts: number;
  workerId: string | null;
  heartbeatAt: Date | null;
  nextAttemptAt: Date | null;
  rowsLoaded: number | null;
  bytesLoaded: number | null;
  nulStrippedRows: number | null;
  startedAt: Date | null;
  completedAt: Date | null;
  lastError: string | null;
  errorCode: string | null;
}

export interface WorkerRecord {
  workerId: string;
  runId: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  rssMb: number | null;
  threads: number | null;
  status: WorkerState;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dateOrNull = (v: unknown): Date | null => (v instanceof Date ? v : null);
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toRunRecord(r: Row): RunRecord {
  return {
    runId: String(r.run_id),
    configHash: String(r.config_hash),
    configPath: textOrNull(r.config_path),
    status: r.status as RunState,
    createdAt: r.created_at as Date,
    startedAt: dateOrNull(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
    runningSince: dateOrNull(r.running_since),
    snapshotAt: dateOrNull(r.snapshot_at),
    parallelThreads: num(r.parallel_threads),
    batchSize: num(r.batch_size),
    stopRequested: Boolean(r.stop_requested),
    options: (r.options ?? {}) as Record<string, unknown>,
    error: textOrNull(r.error),
  };
}

export function toTableRecord(r: Row): TableRecord {
  return {
    runId: String(r.run_id),
    tableOrdinal: num(r.table_ordinal),
    sourceTable: String(r.source_table),
    targetSchema: String(r.target_schema),
    targetTable: String(r.target_table),
    configHash: String(r.config_hash),
    partitionColumn: textOrNull(r.partition_column),
    splitColumn: textOrNull(r.split_column),
    primaryKey: (r.primary_key ?? []) as string[],
    status: r.status as TableState,
    totalChunks: num(r.total_chunks),
    completedChunks: num(r.completed_chunks),
    failedChunks: num(r.failed_chunks),
    totalRows: num(r.total_rows),
    rowsLoaded: num(r.rows_loaded),
    bytesLoaded: num(r.bytes_loaded ?? 0),
    nulStrippedRows: num(r.nul_stripped_rows ?? 0),
    warnings: (r.warnings ?? []) as string[],
    columnMappings: r.column_mappings as ColumnMapping[],
    createdTable: Boolean(r.created_table),
    truncatedAt: dateOrNull(r.truncated_at),
    truncatedRows: numOrNull(r.truncated_rows),
    finalizedAt: dateOrNull(r.finalized_at),
    finalizeError: textOrNull(r.finalize_error),
    startedAt: dateOrNull(r.started_at),
    completedAt: dateOrNull(r.completed_at),
    error: textOrNull(r.error),
  };
}

export function toChunkRecord(r: Row): ChunkRecord {
  return {
    runId: String(r.run_id),
    chunkId: num(r.chunk_id),
    tableOrdinal: num(r.table_ordinal),
    partitionIsNull: Boolean(r.partition_is_null),
    partitionValue: textOrNull(r.partition_value),
    splitIsNull: Boolean(r.split_is_null),
    splitLow: textOrNull(r.split_low),
    splitHigh: textOrNull(r.split_high),
    rows: num(r.rows_expected),
    status: r.status as ChunkState,
    attempts: num(r.attempts),
    workerId: textOrNull(r.worker_id),
    heartbeatAt: dateOrNull(r.heartbeat_at),
    nextAttemptAt: dateOrNull(r.next_attempt_at),
    rowsLoaded: numOrNull(r.rows_loaded),
    bytesLoaded: numOrNull(r.bytes_loaded),
    nulStrippedRows: numOrNull(r.nul_stripped_rows),
    startedAt: dateOrNull(r.started_at),
    completedAt: dateOrNull(r.completed_at),
    lastError: textOrNull(r.last_error),
    errorCode: textOrNull(r.error_code),
  };
}

export function toWorkerRecord(r: Row): WorkerRecord {
  return {
    workerId: String(r.worker_id),
    runId: String(r.run_id),
    host: String(r.host),
    pid: num(r.pid),
    startedAt: r.started_at as Date,
    heartbeatAt: r.heartbeat_at as Date,
    stoppedAt: dateOrNull(r.stopped_at),
    rssMb: numOrNull(r.rss_mb),
    threads: numOrNull(r.threads),
    status: r.status as WorkerState,
  };
}
