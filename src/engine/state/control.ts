// What users and the runner do to a run as a whole: start or resume it, change its tunables, ask
// it to stop, close it, abandon it.
import type pg from 'pg';
import { RefusedError } from '../errors';
import { inTransaction, statusTables, type Queryable } from './db';
import { toRunRecord, type RunRecord } from './records';
import type { RunState } from './states';

async function requireRun(db: Queryable, runsTable: string, runId: string, lock = false): Promise<RunRecord> {
  const { rows } = await db.query(`SELECT * FROM ${runsTable} WHERE run_id = $1${lock ? ' FOR UPDATE' : ''}`, [runId]);
  if (!rows[0]) throw new RefusedError(`run ${runId} does not exist`, { runId });
  return toRunRecord(rows[0]);
}

/** Puts a pending, stopped or failed run (back) in progress; completed and abandoned runs stay closed. */
export async function startRun(db: Queryable, schema: string, runId: string): Promise<RunRecord> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `UPDATE ${t.runs}
     SET status = 'in_progress', started_at = coalesce(started_at, now()), finished_at = NULL, stop_requested = false, error = NULL
     WHERE run_id = $1 AND status IN ('pending', 'in_progress', 'stopped', 'failed')
     RETURNING *`,
    [runId],
  );
  if (rows[0]) return toRunRecord(rows[0]);
  const run = await requireRun(db, t.runs, runId);
  throw new RefusedError(`run ${runId} is ${run.status} and cannot be resumed`, { runId });
}

/**
 * Closes a run that stopped on an error outside any chunk (a target table that could not be
 * created, the executor failing): `failed`, with the cause, so that `thaw status` says why and
 * `thaw resume` picks it up. A run already closed keeps its state.
 */
export async function failRun(db: Queryable, schema: string, runId: string, error: string): Promise<void> {
  await db.query(
    `UPDATE ${statusTables(schema).runs} SET status = 'failed', finished_at = now(), error = $2
     WHERE run_id = $1 AND status IN ('pending', 'in_progress')`,
    [runId, error],
  );
}

/**
 * Desired threads per worker and rows per chunk; workers pick them up on their next heartbeat. A
 * change is recorded in migration_run_tunings by the same statement, with its time: the panel's
 * tuning marks, for a run tuned from anywhere. Whether the values change is part of the UPDATE's
 * WHERE, which PostgreSQL checks again on the row's newest version after waiting for its lock:
 * of two identical tunes at the same instant, the second changes nothing and records nothing.
 */
export async function setTunables(
  db: Queryable,
  schema: string,
  runId: string,
  tunables: { parallelThreads?: number; batchSize?: number },
): Promise<RunRecord> {
  for (const [name, value] of Object.entries(tunables)) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RefusedError(`${name} must be a positive whole number, got ${value}`, { runId });
    }
  }
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH tuned AS (
       UPDATE ${t.runs} SET parallel_threads = coalesce($2, parallel_threads), batch_size = coalesce($3, batch_size)
       WHERE run_id = $1
         AND (parallel_threads, batch_size) IS DISTINCT FROM (coalesce($2, parallel_threads), coalesce($3, batch_size))
       RETURNING *
     ), recorded AS (
       INSERT INTO ${t.tunings} (run_id, parallel_threads, batch_size)
       SELECT run_id, parallel_threads, batch_size FROM tuned
     )
     SELECT * FROM tuned`,
    [runId, tunables.parallelThreads ?? null, tunables.batchSize ?? null],
  );
  return rows[0] ? toRunRecord(rows[0]) : requireRun(db, t.runs, runId);
}

/** Workers stop claiming at once and finish the chunks they hold; the run then closes as `stopped`. */
export async function requestStop(db: Queryable, schema: string, runId: string): Promise<RunRecord> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `UPDATE ${t.runs} SET stop_requested = true WHERE run_id = $1 AND status IN ('pending', 'in_progress') RETURNING *`,
    [runId],
  );
  if (rows[0]) return toRunRecord(rows[0]);
  return requireRun(db, t.runs, runId);
}

/** A chunk an abandon took back from the worker loading it: pending again. */
export interface ReleasedChunk {
  chunkId: number;
  tableOrdinal: number;
  attempts: number;
}

export interface AbandonedRun {
  run: RunRecord;
  /** The chunks that were in progress, in chunk order: whoever shows chunk states learns of them. */
  released: ReleasedChunk[];
}

/**
 * Closes a run for good. Its in-progress chunks go back to pending, which fails the fence of any
 * worker still loading one: once this commits, no load of this run can commit, so a later run may
 * truncate its tables safely. Refused for a completed run (there is nothing to abandon).
 */
export async function abandonRun(client: pg.ClientBase, schema: string, runId: string, reason = 'abandoned by user'): Promise<AbandonedRun> {
  const t = statusTables(schema);
  return inTransaction(client, async () => {
    const run = await requireRun(client, t.runs, runId, true);
    if (run.status === 'completed') throw new RefusedError(`run ${runId} is completed; there is nothing to abandon`, { runId });
    if (run.status === 'abandoned') return { run, released: [] };
    const released = await client.query(
      `UPDATE ${t.chunks} SET status = 'pending', last_error = $2, next_attempt_at = NULL
       WHERE run_id = $1 AND status = 'in_progress'
       RETURNING chunk_id, table_ordinal, attempts`,
      [runId, reason],
    );
    await client.query(`UPDATE ${t.workers} SET status = 'stopped', stopped_at = now() WHERE run_id = $1 AND status = 'running'`, [runId]);
    const { rows } = await client.query(
      `UPDATE ${t.runs} SET status = 'abandoned', finished_at = now(), stop_requested = true, error = $2
       WHERE run_id = $1 RETURNING *`,
      [runId, reason],
    );
    return {
      run: toRunRecord(rows[0]!),
      released: released.rows
        .map((r) => ({ chunkId: Number(r.chunk_id), tableOrdinal: Number(r.table_ordinal), attempts: Number(r.attempts) }))
        .sort((a, b) => a.chunkId - b.chunkId),
    };
  });
}

export interface RunOutcome {
  run: RunRecord;
  chunksCompleted: number;
  chunksFailed: number;
  /** Pending or in progress: work a later resume would do. */
  chunksUnfinished: number;
}

/**
 * Closes an in-progress run: `completed` when every chunk is and every table Thaw created got its
 * primary key, `stopped` when a stop was asked for and nothing failed, `failed` otherwise, its
 * error led by `cause` (what ended the worker early). A run already closed is returned as it is.
 */
export async function finishRun(client: pg.ClientBase, schema: string, runId: string, cause?: string): Promise<RunOutcome> {
  const t = statusTables(schema);
  return inTransaction(client, async () => {
    const run = await requireRun(client, t.runs, runId, true);
    // The tables' counters are exact (sql/migrations/000002 keeps them with every chunk change).
    const { rows } = await client.query(
      `SELECT coalesce(sum(completed_chunks), 0) AS completed, coalesce(sum(failed_chunks), 0) AS failed,
              coalesce(sum(total_chunks - completed_chunks - failed_chunks), 0) AS unfinished
       FROM ${t.tables} WHERE run_id = $1`,
      [runId],
    );
    const counts = {
      chunksCompleted: Number(rows[0]!.completed),
      chunksFailed: Number(rows[0]!.failed),
      chunksUnfinished: Number(rows[0]!.unfinished),
    };
    if (run.status !== 'in_progress' && run.status !== 'pending') return { run, ...counts };
    // Every row is there, but a table lacks the primary key it was to get: not a clean end.
    const keyless = await client.query<{ name: string; finalize_error: string }>(
      `SELECT target_schema || '.' || target_table AS name, finalize_error FROM ${t.tables}
       WHERE run_id = $1 AND finalize_error IS NOT NULL ORDER BY table_ordinal`,
      [runId],
    );
    let status: RunState;
    let error: string | null = null;
    if (counts.chunksFailed === 0 && counts.chunksUnfinished === 0 && keyless.rows.length > 0) {
      status = 'failed';
      error = `every row loaded, but ${keyless.rows.map((r) => r.finalize_error).join('; ')}; fix the data and "thaw resume" adds the key`;
    } else if (counts.chunksFailed === 0 && counts.chunksUnfinished === 0) status = 'completed';
    else if (counts.chunksFailed === 0 && run.stopRequested) status = 'stopped';
    else {
      status = 'failed';
      const counted = [
        counts.chunksFailed ? `${counts.chunksFailed} chunk(s) failed` : '',
        counts.chunksUnfinished ? `${counts.chunksUnfinished} chunk(s) not loaded` : '',
      ]
        .filter(Boolean)
        .join(', ');
      error = [cause, counted].filter(Boolean).join('; ');
    }
    const updated = await client.query(`UPDATE ${t.runs} SET status = $2, finished_at = now(), error = $3 WHERE run_id = $1 RETURNING *`, [
      runId,
      status,
      error,
    ]);
    return { run: toRunRecord(updated.rows[0]!), ...counts };
  });
}
