// Reading runs and their progress: what `status`, `resume` and the views show.
import { etaSeconds, rowsPerSecond, type RateInput } from '../../protocol/progress';
import { RefusedError } from '../errors';
import { OPEN_RUN_STATES, type ChunkState, type RunState } from './states';
import { statusTables, type Queryable } from './db';
import {
  toChunkRecord,
  toRunRecord,
  toTableRecord,
  toWorkerRecord,
  type ChunkRecord,
  type RunRecord,
  type TableRecord,
  type WorkerRecord,
} from './records';

export async function getRun(db: Queryable, schema: string, runId: string): Promise<RunRecord | null> {
  const { rows } = await db.query(`SELECT * FROM ${statusTables(schema).runs} WHERE run_id = $1`, [runId]);
  return rows[0] ? toRunRecord(rows[0]) : null;
}

/** The newest run of this config that is not completed or abandoned: the one `resume` continues. */
export async function findOpenRun(db: Queryable, schema: string, configHash: string): Promise<RunRecord | null> {
  const { rows } = await db.query(
    `SELECT * FROM ${statusTables(schema).runs}
     WHERE config_hash = $1 AND status = ANY($2)
     ORDER BY created_at DESC, run_id DESC LIMIT 1`,
    [configHash, OPEN_RUN_STATES],
  );
  return rows[0] ? toRunRecord(rows[0]) : null;
}

/** Runs newest first, optionally of one config only. */
export async function listRuns(db: Queryable, schema: string, options: { configHash?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM ${statusTables(schema).runs}
     WHERE $1::text IS NULL OR config_hash = $1
     ORDER BY created_at DESC, run_id DESC LIMIT $2`,
    [options.configHash ?? null, options.limit ?? 50],
  );
  return rows.map(toRunRecord);
}

export async function getRunTables(db: Queryable, schema: string, runId: string): Promise<TableRecord[]> {
  const { rows } = await db.query(`SELECT * FROM ${statusTables(schema).tables} WHERE run_id = $1 ORDER BY table_ordinal`, [runId]);
  return rows.map(toTableRecord);
}

export async function getChunk(db: Queryable, schema: string, runId: string, chunkId: number): Promise<ChunkRecord | null> {
  const { rows } = await db.query(`SELECT * FROM ${statusTables(schema).chunks} WHERE run_id = $1 AND chunk_id = $2`, [runId, chunkId]);
  return rows[0] ? toChunkRecord(rows[0]) : null;
}

/** Chunks of a run in one state (all tables, or one), in chunk order; at most `limit`. */
export async function listChunks(
  db: Queryable,
  schema: string,
  runId: string,
  filter: { status?: ChunkState; tableOrdinal?: number; limit?: number } = {},
): Promise<ChunkRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM ${statusTables(schema).chunks}
     WHERE run_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::int IS NULL OR table_ordinal = $3)
     ORDER BY chunk_id LIMIT $4`,
    [runId, filter.status ?? null, filter.tableOrdinal ?? null, filter.limit ?? 1000],
  );
  return rows.map(toChunkRecord);
}

export async function listWorkers(db: Queryable, schema: string, runId: string): Promise<WorkerRecord[]> {
  const { rows } = await db.query(`SELECT * FROM ${statusTables(schema).workers} WHERE run_id = $1 ORDER BY started_at, worker_id`, [
    runId,
  ]);
  return rows.map(toWorkerRecord);
}

export interface RunProgress {
  runId: string;
  runStatus: RunState;
  chunksTotal: number;
  chunks: Record<ChunkState, number>;
  /** Pending chunks held back by a backoff after a transient failure. */
  chunksWaiting: number;
  rowsTotal: number;
  rowsLoaded: number;
  bytesLoaded: number;
  /** Rows whose U+0000 characters were stripped (on_nul_character: "strip"). */
  nulStrippedRows: number;
  /** What ../../protocol/progress rowsPerSecond() takes: rows of the window since the run (re)started. */
  rate: RateInput;
  /** rowsPerSecond(rate): every worker of the run counts; 0 when the run is not running. */
  rowsPerSecond: number;
  /** null when the run is not running or has no rate yet. */
  etaSeconds: number | null;
}

/**
 * Progress from the tables' counters (kept exact by the trigger of sql/migrations/000002), the
 * chunks in flight, and the rows completed within the last `windowSeconds` since the run last
 * became in_progress: a run resumed 5 s ago is measured over 5 s, not over a minute that holds
 * the rows of an earlier invocation.
 */
export async function getRunProgress(db: Queryable, schema: string, runId: string, windowSeconds = 60): Promise<RunProgress> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH counters AS (
       SELECT coalesce(sum(total_chunks), 0) AS total, coalesce(sum(completed_chunks), 0) AS completed,
              coalesce(sum(failed_chunks), 0) AS failed, coalesce(sum(total_rows), 0) AS rows_total,
              coalesce(sum(rows_loaded), 0) AS rows_loaded, coalesce(sum(bytes_loaded), 0) AS bytes_loaded,
              coalesce(sum(nul_stripped_rows), 0) AS nul_stripped_rows
       FROM ${t.tables} WHERE run_id = $1
     ), open AS (
       SELECT count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
              count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > now()) AS waiting
       FROM ${t.chunks} WHERE run_id = $1 AND status IN ('pending', 'in_progress')
     ), since AS (
       SELECT status, running_since, greatest(running_since, now() - make_interval(secs => $2)) AS from_time
       FROM ${t.runs} WHERE run_id = $1
     )
     SELECT c.*, o.*, s.status AS run_status,
            CASE WHEN s.status = 'in_progress' THEN coalesce(extract(epoch FROM now() - s.running_since), 0) ELSE 0 END AS running_seconds,
            (SELECT coalesce(sum(rows_loaded), 0) FROM ${t.chunks}
             WHERE run_id = $1 AND status = 'completed' AND completed_at > s.from_time) AS recent_rows
     FROM counters c, open o, since s`,
    [runId, windowSeconds],
  );
  const r = rows[0];
  if (!r) throw new RefusedError(`run ${runId} does not exist`, { runId });
  const total = Number(r.total);
  const counts = { completed: Number(r.completed), failed: Number(r.failed), in_progress: Number(r.in_progress) };
  const rowsTotal = Number(r.rows_total);
  const rowsLoaded = Number(r.rows_loaded);
  const rate: RateInput = { rowsInWindow: Number(r.recent_rows), windowSeconds, runningSeconds: Math.max(0, Number(r.running_seconds)) };
  const perSecond = rowsPerSecond(rate);
  return {
    runId,
    runStatus: r.run_status,
    chunksTotal: total,
    chunks: { pending: total - counts.completed - counts.failed - counts.in_progress, ...counts },
    chunksWaiting: Number(r.waiting),
    rowsTotal,
    rowsLoaded,
    bytesLoaded: Number(r.bytes_loaded),
    nulStrippedRows: Number(r.nul_stripped_rows),
    rate,
    rowsPerSecond: perSecond,
    etaSeconds: etaSeconds(rowsTotal - rowsLoaded, perSecond, r.run_status === 'in_progress'),
  };
}
