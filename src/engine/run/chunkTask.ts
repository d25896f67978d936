// Loads one claimed chunk: the source query's COPY lines stream straight into COPY, and the rows
// commit together with the chunk's "completed" mark (loadChunk), so a retry can neither duplicate
// nor lose rows. Failures are recorded with their cause; transient ones come back after backoff.
import { streamChunk, type Snapshot } from '../source';
import { errorMessage } from '../errors';
import { chunkFailureFrom, failChunk, type ChunkFailure, type ChunkRecord, type RetryPolicy } from '../state';
import { loadChunk, type ChunkLoadResult } from '../target';
import type { Session } from '../session';
import type { RunTable } from './runTables';

export type ChunkOutcome =
  | ({ status: 'completed' } & ChunkLoadResult)
  /** `lost`: another worker took the chunk back meanwhile; nothing was recorded. */
  | { status: 'pending' | 'failed' | 'lost'; error: string }
  | { status: 'unrecorded'; error: string; failure: ChunkFailure; cause: string };

export async function runChunkTask(
  session: Session,
  runId: string,
  workerId: string,
  chunk: ChunkRecord,
  table: RunTable,
  snapshot: Snapshot | undefined,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<ChunkOutcome> {
  try {
    const rows = streamChunk(session.source, {
      table: table.sourceTable,
      columns: table.columns,
      partition: table.partition,
      split: table.split,
      range: chunk,
      snapshot,
      since: table.since,
      onNul: table.onNul,
      keyColumn: table.keyColumn,
      context: { runId, chunkId: chunk.chunkId },
    });
    const loaded = await loadChunk(session.pool, {
      schema: session.statusSchema,
      runId,
      chunkId: chunk.chunkId,
      attempt: chunk.attempts,
      workerId,
      target: { schema: table.target.schema, table: table.target.table, columns: table.targetColumns },
      upsert: table.upsert,
      rowsExpected: chunk.rows,
      source: rows,
      nulStrippedRows: () => rows.nulStrippedRows,
      signal,
    });
    return { status: 'completed', ...loaded };
  } catch (err) {
    const failure = chunkFailureFrom(err);
    return recordFailure(session, runId, workerId, chunk, failure, policy);
  }
}

/**
 * Records a failed attempt. When even that fails (the status tables are unreachable too), the
 * outcome says so and the caller tries again later: the chunk must not stay `in_progress` under a
 * worker that keeps heartbeating it, or the run would never end.
 */
export async function recordFailure(
  session: Session,
  runId: string,
  workerId: string,
  chunk: ChunkRecord,
  failure: ChunkFailure,
  policy: RetryPolicy,
): Promise<ChunkOutcome> {
  try {
    const outcome = await failChunk(session.pool, session.statusSchema, { runId, chunkId: chunk.chunkId, workerId, attempt: chunk.attempts }, failure, policy);
    return { status: outcome?.status ?? 'lost', error: failure.message };
  } catch (err) {
    return { status: 'unrecorded', error: failure.message, failure, cause: errorMessage(err) };
  }
}
