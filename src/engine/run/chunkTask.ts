// Loads one claimed chunk: its COPY lines (from the chunk query, or from the files of its unload to
// a stage) stream straight into COPY, and the rows commit together with the chunk's "completed" mark (loadChunk), so a retry can neither duplicate
// nor lose rows. Failures are recorded with their cause; transient ones come back after backoff,
// anything not known to be transient (a bad value, a bug) fails the chunk at once.
import type { Readable } from 'node:stream';
import { streamChunk, type Snapshot, type StreamChunkOptions } from '../source';
import type { NulGuard } from '../source/nulGuard';
import { removeChunkFiles } from '../source/unload/stageFiles';
import { unloadChunk } from '../source/unload/unloadChunk';
import { errorMessage, ThawError } from '../errors';
import { chunkFailureFrom, failChunk, type ChunkFailure, type ChunkRecord } from '../state';
import { loadChunk, type ChunkLoadResult } from '../target';
import type { ExtractPath } from './extractPath';
import type { RunContext } from './runContext';
import type { RunTable } from './runTables';

export type ChunkOutcome =
  | ({ status: 'completed' } & ChunkLoadResult)
  /** `lost`: another worker took the chunk back meanwhile; nothing was recorded. */
  | { status: 'pending' | 'failed' | 'lost'; error: string; code: string | null }
  | { status: 'unrecorded'; error: string; failure: ChunkFailure; cause: string };

export async function runChunkTask(
  ctx: RunContext,
  chunk: ChunkRecord,
  table: RunTable,
  snapshot: Snapshot | undefined,
  signal: AbortSignal,
  extract: ExtractPath = { kind: 'query' },
): Promise<ChunkOutcome> {
  const { session, runId, workerId } = ctx;
  // The unload path's files of a chunk that failed (a committed chunk's go in the background: ExtractPaths).
  const removeFiles = () => (extract.kind === 'unload' ? removeChunkFiles(session.source, extract.stage, runId, chunk.chunkId).catch(() => 0) : 0);
  try {
    const what: StreamChunkOptions = {
      table: table.cloneTable ?? table.sourceTable,
      columns: table.columns,
      partition: table.partition,
      split: table.split,
      range: chunk,
      snapshot,
      since: table.since,
      onNul: table.onNul,
      keyColumn: table.keyColumn,
      context: { runId, chunkId: chunk.chunkId },
    };
    let stream: Readable;
    let guard: NulGuard;
    if (extract.kind === 'unload') {
      ({ stream, guard } = await unloadChunk(session.source, { ...what, stage: extract.stage, compression: extract.compression, runId, chunkId: chunk.chunkId, attempt: chunk.attempts, rowsExpected: chunk.rows, signal }));
    } else {
      ({ stream, guard } = streamChunk(session.source, { ...what, signal }));
    }
    const loaded = await loadChunk(session.pool, {
      schema: session.statusSchema,
      runId,
      chunkId: chunk.chunkId,
      attempt: chunk.attempts,
      workerId,
      target: { schema: table.target.schema, table: table.target.table, columns: table.targetColumns },
      upsert: table.upsert,
      rowsExpected: chunk.rows,
      source: stream,
      nulStrippedRows: () => guard.nulStrippedRows,
      signal,
    });
    return { status: 'completed', ...loaded };
  } catch (err) {
    // After an abort the run's sweep removes them: nothing may hold up a rollback.
    if (!signal.aborted) await removeFiles();
    const failure = chunkFailureFrom(err);
    if (!(err instanceof ThawError) && !failure.retryable) {
      // Not an error Thaw knows: most likely a bug. The stack is what its fixer needs.
      ctx.log('error', `chunk ${chunk.chunkId} failed on an unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`, {
        tableOrdinal: chunk.tableOrdinal,
        chunkId: chunk.chunkId,
      });
    }
    return recordFailure(ctx, chunk, failure);
  }
}

/**
 * Records a failed attempt. When even that fails (the status tables are unreachable too), the
 * outcome says so and the caller tries again later: the chunk must not stay `in_progress` under a
 * worker that keeps heartbeating it, or the run would never end.
 */
export async function recordFailure(ctx: RunContext, chunk: ChunkRecord, failure: ChunkFailure): Promise<ChunkOutcome> {
  const { session, runId, workerId, policy } = ctx;
  try {
    const outcome = await failChunk(session.pool, session.statusSchema, { runId, chunkId: chunk.chunkId, workerId, attempt: chunk.attempts }, failure, policy);
    return { status: outcome?.status ?? 'lost', error: failure.message, code: failure.code };
  } catch (err) {
    return { status: 'unrecorded', error: failure.message, failure, cause: errorMessage(err) };
  }
}
