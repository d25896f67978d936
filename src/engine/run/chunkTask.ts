// Loads one claimed chunk: its COPY lines (from the chunk query, or from the files of its unload to
// a stage) stream straight into COPY, and the rows
// commit together with the chunk's "completed" mark (loadChunk), so a retry can neither duplicate
// nor lose rows. Failures are recorded with their cause; transient ones come back after backoff.
import type { Readable } from 'node:stream';
import { streamChunk, type Snapshot, type StreamChunkOptions } from '../source';
import type { NulGuard } from '../source/nulGuard';
import { removeStageFiles } from '../source/unload/stageFiles';
import { chunkPrefix } from '../source/unload/stageSql';
import { unloadChunk } from '../source/unload/unloadChunk';
import { errorMessage } from '../errors';
import { chunkFailureFrom, failChunk, type ChunkFailure, type ChunkRecord, type RetryPolicy } from '../state';
import { loadChunk, type ChunkLoadResult } from '../target';
import type { Session } from '../session';
import type { ExtractPath } from './extractPath';
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
  extract: ExtractPath = { kind: 'query' },
): Promise<ChunkOutcome> {
  // The unload path's files of this chunk: removed once its rows are committed or it failed.
  const unloaded = extract.kind === 'unload' ? { stage: extract.stage, prefix: chunkPrefix(runId, chunk.chunkId) } : undefined;
  const removeFiles = () => (unloaded ? removeStageFiles(session.source, unloaded.stage, unloaded.prefix).catch(() => 0) : 0);
  try {
    const what: StreamChunkOptions = {
      table: table.sourceTable,
      columns: table.columns,
      partition: table.partition,
      split: table.split,
      range: chunk,
      snapshot,
      onNul: table.onNul,
      keyColumn: table.keyColumn,
      context: { runId, chunkId: chunk.chunkId },
    };
    let stream: Readable;
    let guard: NulGuard;
    if (extract.kind === 'unload') {
      ({ stream, guard } = await unloadChunk(session.source, { ...what, stage: extract.stage, runId, chunkId: chunk.chunkId, attempt: chunk.attempts, rowsExpected: chunk.rows, signal }));
    } else {
      const lines = streamChunk(session.source, what);
      stream = lines;
      guard = lines.guard;
    }
    const loaded = await loadChunk(session.pool, {
      schema: session.statusSchema,
      runId,
      chunkId: chunk.chunkId,
      attempt: chunk.attempts,
      workerId,
      target: { schema: table.target.schema, table: table.target.table, columns: table.targetColumns },
      rowsExpected: chunk.rows,
      source: stream,
      nulStrippedRows: () => guard.nulStrippedRows,
      signal,
    });
    await removeFiles();
    return { status: 'completed', ...loaded };
  } catch (err) {
    await removeFiles();
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
