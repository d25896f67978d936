// Reading runs and their progress: what `status`, `resume` and the views show.
import { OPEN_RUN_STATES, type ChunkState } from './states';
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
  chunksTotal: number;
  chunks: Record<ChunkState, number>;
  /** Pending chunks held back by a backoff after a transient failure. */
  chunksWaiting: number;
  rowsTotal: number;
  rowsLoaded: number;
  bytesLoaded: number;
  /** Rows committed in the last `windowSeconds`, per second: the throughput of every worker. */
  rowsPerSecond: number;
}

/** Counts by state and the recent load rate, from the chunk table (exact, whatever the counters say). */
export async function getRunProgress(db: Queryable, schema: string, runId: string, windowSeconds = 60): Promise<RunProgress> {
  const { rows } = await db.query(
    `SELECT count(*) AS total,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
            count(*) FILTER (WHERE status = 'completed') AS completed,
            count(*) FILTER (WHERE status = 'failed') AS failed,
            count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > now()) AS waiting,
            coalesce(sum(rows_expected), 0) AS rows_total,
            coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS rows_loaded,
            coalesce(sum(bytes_loaded) FILTER (WHERE status = 'completed'), 0) AS bytes_loaded,
            coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed' AND completed_at > now() - make_interval(secs => $2)), 0)
              AS recent_rows
     FROM ${statusTables(schema).chunks} WHERE run_id = $1`,
    [runId, windowSeconds],
  );
  const r = rows[0]!;
  return {
    runId,
    chunksTotal: Number(r.total),
    chunks: { pending: Number(r.pending), in_progress: Number(r.in_progress), completed: Number(r.completed), failed: Number(r.failed) },
    chunksWaiting: Number(r.waiting),
    rowsTotal: Number(r.rows_total),
    rowsLoaded: Number(r.rows_loaded),
    bytesLoaded: Number(r.bytes_loaded),
    rowsPerSecond: Number(r.recent_rows) / windowSeconds,
  };
}
