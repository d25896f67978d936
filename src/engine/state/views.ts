// What the views read (runs, a run's tables, a table's chunk groups, pages of chunks, workers):
// each is one query against the status tables (sql/views), so it answers the same for a run this
// process executes and for one executed by another process or host.
import { etaSeconds, percentDone, rowsPerSecond, type RateInput } from '../../protocol/progress';
import type { ChunkCounts, ChunkDetail, ChunkGroup, Page, RunSummary, TableSummary, WorkerSummary } from '../../protocol/engine';
import type { ChunkState, TableState } from '../../protocol/states';
import { sqlFiles } from '../../generated/sql';
import { RefusedError } from '../errors';
import { statusTables, type Queryable } from './db';
import { withStatusSchema } from './migrate';
import { toChunkRecord, toRunRecord, toTableRecord, toWorkerRecord } from './records';

/** The window the rate is measured over: long enough to smooth chunk-sized steps. */
export const RATE_WINDOW_SECONDS = 60;

type Row = Record<string, unknown>;

/** SQLSTATE of a missing relation: no run was ever started against this status schema. */
const UNDEFINED_TABLE = '42P01';

function isMissingStatusTables(err: unknown): boolean {
  return (err as { code?: string }).code === UNDEFINED_TABLE;
}

function countsOf(r: Row): ChunkCounts {
  return { pending: Number(r.pending), in_progress: Number(r.in_progress), completed: Number(r.completed), failed: Number(r.failed) };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface RunSummaryQuery {
  /** Runs of this config only. */
  configHash?: string;
  /** One run only. */
  runId?: string;
  limit?: number;
  /** A running worker heard from within this many seconds counts as live. */
  heartbeatTimeoutSeconds: number;
}

/** A run's summary, the bytes it loaded and what its rate was computed from: what a worker's progress event and `thaw status` carry. */
export type RunProgressSummary = RunSummary & {
  bytesLoaded: number;
  /** Pending chunks held back by a backoff after a transient failure. */
  chunksWaiting: number;
  /** Rows whose U+0000 characters were stripped (on_nul_character: "strip"). */
  nulStrippedRows: number;
  /** The inputs of rowsPerSecond(): rows of the window since the run (re)started, and for how long it has run. */
  rate: RateInput;
};

export async function readRunSummaries(db: Queryable, schema: string, query: RunSummaryQuery): Promise<RunProgressSummary[]> {
  let rows: Row[];
  try {
    ({ rows } = await db.query(withStatusSchema(sqlFiles['views/runs.sql'], schema), [
      query.configHash ?? null,
      query.limit ?? 50,
      RATE_WINDOW_SECONDS,
      query.heartbeatTimeoutSeconds,
      query.runId ?? null,
    ]));
  } catch (err) {
    if (isMissingStatusTables(err)) return [];
    throw err;
  }
  return rows.map((r) => {
    const run = toRunRecord(r);
    const running = run.status === 'in_progress';
    const rowsTotal = Number(r.rows_total);
    const rowsLoaded = Number(r.rows_loaded);
    const inputs: RateInput = { rowsInWindow: Number(r.rows_in_window), windowSeconds: RATE_WINDOW_SECONDS, runningSeconds: Number(r.running_seconds ?? 0) };
    const rate = running ? rowsPerSecond(inputs) : 0;
    return {
      runId: run.runId,
      configHash: run.configHash,
      configPath: run.configPath,
      status: run.status,
      stopRequested: run.stopRequested,
      createdAt: run.createdAt.toISOString(),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      targetSchemas: r.target_schemas as string[],
      parallelThreads: run.parallelThreads,
      batchSize: run.batchSize,
      rowsTotal,
      rowsLoaded,
      chunksTotal: Number(r.chunks_total),
      chunks: countsOf(r),
      percent: percentDone(rowsLoaded, rowsTotal),
      rowsPerSecond: rate,
      etaSeconds: etaSeconds(rowsTotal - rowsLoaded, rate, running),
      liveWorkers: Number(r.live_workers),
      error: run.error,
      bytesLoaded: Number(r.bytes_loaded),
      chunksWaiting: Number(r.waiting),
      nulStrippedRows: Number(r.nul_stripped_rows),
      rate: inputs,
    };
  });
}

/** One run's progress (what `thaw status` prints): its row of readRunSummaries. */
export async function getRunProgress(db: Queryable, schema: string, runId: string, heartbeatTimeoutSeconds: number): Promise<RunProgressSummary> {
  const [summary] = await readRunSummaries(db, schema, { runId, heartbeatTimeoutSeconds });
  if (!summary) throw new RefusedError(`run ${runId} does not exist`, { runId });
  return summary;
}

export async function readTableSummaries(db: Queryable, schema: string, runId: string): Promise<TableSummary[]> {
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/run_tables.sql'], schema), [runId]);
  return rows.map((r) => {
    const t = toTableRecord(r);
    const { rowsLoaded } = t;
    return {
      runId: t.runId,
      tableOrdinal: t.tableOrdinal,
      sourceTable: t.sourceTable,
      targetSchema: t.targetSchema,
      targetTable: t.targetTable,
      status: t.status,
      totalChunks: t.totalChunks,
      chunks: countsOf(r),
      rowsTotal: t.totalRows,
      rowsLoaded,
      percent: percentDone(rowsLoaded, t.totalRows),
      nulStrippedRows: t.nulStrippedRows,
      warnings: t.warnings,
      error: t.error,
    };
  });
}

export async function readChunkGroups(db: Queryable, schema: string, runId: string, tableOrdinal: number): Promise<ChunkGroup[]> {
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/chunk_groups.sql'], schema), [runId, tableOrdinal]);
  return rows.map((r) => ({
    runId,
    tableOrdinal,
    partitionValue: r.partition_is_null ? null : ((r.partition_value as string | null) ?? null),
    partitionIsNull: Boolean(r.partition_is_null),
    status: r.status as ChunkState,
    chunks: Number(r.chunks),
    rowsExpected: Number(r.rows_expected),
    rowsLoaded: Number(r.rows_loaded),
    firstChunkId: Number(r.first_chunk_id),
    lastChunkId: Number(r.last_chunk_id),
  }));
}

export interface ChunkFilter {
  tableOrdinal?: number;
  status?: ChunkState;
  /** undefined: any partition; null: the NULL partition. */
  partitionValue?: string | null;
  offset?: number;
  limit?: number;
}

export async function readChunkPage(db: Queryable, schema: string, runId: string, filter: ChunkFilter): Promise<Page<ChunkDetail>> {
  const offset = filter.offset ?? 0;
  const partition = filter.partitionValue === undefined ? 'any' : filter.partitionValue === null ? 'null' : 'value';
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/chunks_page.sql'], schema), [
    runId,
    filter.tableOrdinal ?? null,
    filter.status ?? null,
    partition,
    filter.partitionValue ?? null,
    offset,
    filter.limit ?? 100,
  ]);
  const items = rows
    .filter((r) => r.chunk_id !== null)
    .map((r): ChunkDetail => {
      const c = toChunkRecord(r);
      return {
        runId: c.runId,
        tableOrdinal: c.tableOrdinal,
        chunkId: c.chunkId,
        status: c.status,
        partitionValue: c.partitionValue,
        partitionIsNull: c.partitionIsNull,
        splitLow: c.splitLow,
        splitHigh: c.splitHigh,
        splitIsNull: c.splitIsNull,
        attempts: c.attempts,
        rowsExpected: c.rows,
        rowsLoaded: c.rowsLoaded,
        workerId: c.workerId,
        startedAt: iso(c.startedAt),
        completedAt: iso(c.completedAt),
        lastError: c.lastError,
        errorCode: c.errorCode,
      };
    });
  return { total: Number(rows[0]?.total ?? 0), offset, items };
}

/** A run's workers with each one's own rate: what `thaw status`, the tree and the panel show per worker. */
export async function readWorkerSummaries(db: Queryable, schema: string, runId: string): Promise<WorkerSummary[]> {
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/run_workers.sql'], schema), [runId, RATE_WINDOW_SECONDS]);
  return rows.map((r) => {
    const w = toWorkerRecord(r);
    const rate: RateInput = { rowsInWindow: Number(r.rows_in_window), windowSeconds: RATE_WINDOW_SECONDS, runningSeconds: Number(r.running_seconds ?? 0) };
    return {
      workerId: w.workerId,
      runId: w.runId,
      host: w.host,
      pid: w.pid,
      status: w.status,
      threads: w.threads,
      rssMb: w.rssMb,
      startedAt: w.startedAt.toISOString(),
      heartbeatAt: w.heartbeatAt.toISOString(),
      chunksCompleted: Number(r.chunks_completed),
      rowsLoaded: Number(r.rows_loaded),
      chunksInFlight: Number(r.chunks_in_flight),
      rowsPerSecond: w.status === 'running' ? rowsPerSecond(rate) : 0,
    };
  });
}

/** Each table's state: what a worker compares between beats to announce table changes. */
export async function readTableStates(db: Queryable, schema: string, runId: string): Promise<Array<{ tableOrdinal: number; sourceTable: string; status: TableState }>> {
  const { rows } = await db.query(`SELECT table_ordinal, source_table, status FROM ${statusTables(schema).tables} WHERE run_id = $1 ORDER BY table_ordinal`, [runId]);
  return rows.map((r) => ({ tableOrdinal: Number(r.table_ordinal), sourceTable: String(r.source_table), status: r.status as TableState }));
}
