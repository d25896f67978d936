// The unload path for one chunk attempt: earlier attempts' files removed, the chunk's SELECT
// unloaded under `<run>/<chunk>/<attempt>/`, the files' row counts checked against the plan, and
// their lines streamed for COPY. The caller removes the chunk's files once its rows are committed.
import type { Readable } from 'node:stream';
import type { UnloadCompression } from '../../config/schema';
import { DataError } from '../../errors';
import { chunkQuery, nulGuardFor, type StreamChunkOptions } from '../chunkStream';
import type { SnowflakeSource } from '../connection';
import { describeTable } from '../metadata';
import type { NulGuard } from '../nulGuard';
import { removeStageFiles, unloadToStage, type UnloadedFile } from './stageFiles';
import { streamStagedChunk } from './stagedChunkStream';
import { untilAborted } from '../untilAborted';
import { chunkPrefix, type StageName } from './stageSql';

export interface UnloadChunkOptions extends StreamChunkOptions {
  stage: StageName;
  compression: UnloadCompression;
  runId: string;
  chunkId: number;
  attempt: number;
  /** The plan's count: the unloaded files must hold exactly this many rows. */
  rowsExpected: number;
  signal?: AbortSignal;
}

export interface UnloadedChunk {
  files: UnloadedFile[];
  /** The files' COPY lines, in file order. */
  stream: Readable;
  guard: NulGuard;
}

export async function unloadChunk(source: SnowflakeSource, options: UnloadChunkOptions): Promise<UnloadedChunk> {
  const { stage, compression, runId, chunkId } = options;
  const context = { ...options.context, runId, chunkId, table: describeTable(options.table) };
  // A worker that died between an unload and its commit left files; names need not repeat, so
  // they are removed rather than overwritten.
  await untilAborted(removeStageFiles(source, stage, chunkPrefix(runId, chunkId), context), options.signal);
  const files = await untilAborted(unloadToStage(source, stage, chunkPrefix(runId, chunkId, options.attempt), chunkQuery(options), compression, context), options.signal);
  const unloaded = files.reduce((n, f) => n + f.rows, 0);
  if (unloaded !== options.rowsExpected) {
    throw new DataError(`chunk ${chunkId} unloaded ${unloaded} rows in ${files.length} file(s), the plan counted ${options.rowsExpected}`, context);
  }
  const guard = nulGuardFor(options);
  const stream = streamStagedChunk(source, { stage, files, compression, guard, context, ...(options.signal ? { signal: options.signal } : {}) });
  return { files, stream, guard };
}

