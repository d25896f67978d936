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
