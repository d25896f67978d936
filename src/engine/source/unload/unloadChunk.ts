// The unload path for one chunk attempt: earlier attempts' files removed, the chunk's SELECT
// unloaded under a prefix of its own (attemptPrefix), the files' row counts checked against the
// plan, and their lines streamed for COPY. The caller removes the chunk's files, every attempt's,
// once its rows are committed.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { UnloadCompression } from '../../config/schema';
import { DataError } from '../../errors';
import { chunkQuery, nulGuardFor, type StreamChunkOptions } from '../chunkStream';
import type { SnowflakeSource } from '../connection';
import { describeTable } from '../metadata';
import type { NulGuard } from '../nulGuard';
import { removeChunkFiles, unloadToStage, type UnloadedFile } from './stageFiles';
import { streamStagedChunk } from './stagedChunkStream';
import { untilAborted } from '../untilAborted';
import { attemptPrefix, type StageName } from './stageSql';

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
  // Only a retried chunk can have files on the stage already (a worker killed between its unload
  // and its commit): they are removed first. A first attempt skips that round trip to Snowflake.
  // Leftovers are never read either way (the files read are the ones this unload reports) and
  // would go with the chunk's prefix after the commit; the tag keeps names from meeting them when
  // attempt numbers start again (a failed chunk retried).
  if (options.attempt > 1) await untilAborted(removeChunkFiles(source, stage, runId, chunkId, context), options.signal);
  const prefix = attemptPrefix(runId, chunkId, options.attempt, randomBytes(4).toString('hex'));
  const files = await untilAborted(unloadToStage(source, stage, prefix, chunkQuery(options), compression, context), options.signal);
  const unloaded = files.reduce((n, f) => n + f.rows, 0);
  if (unloaded !== options.rowsExpected) {
    throw new DataError(`chunk ${chunkId} unloaded ${unloaded} rows in ${files.length} file(s), the plan counted ${options.rowsExpected}`, context);
  }
  const guard = nulGuardFor(options);
  const stream = streamStagedChunk(source, { stage, files, compression, guard, context, ...(options.signal ? { signal: options.signal } : {}) });
  return { files, stream, guard };
}

