// The unload path's Snowflake side: the stage, a chunk unloaded into it, presigned URLs for its
// files, and their removal. Each call is one statement on the source connection.
import type { UnloadCompression } from '../../config/schema';
import type { ErrorContext } from '../../errors';
import type { SnowflakeSource } from '../connection';
import type { Statement } from '../sql';
import { chunkPrefix, createStageStatement, presignedUrlsStatement, removeStatement, unloadStatement, type StageName } from './stageSql';

/** One file of an unloaded chunk, as DETAILED_OUTPUT reported it. */
export interface UnloadedFile {
  /** Path inside the stage. */
  path: string;
  /** Size as stored (compressed or not): how many bytes a complete download has. */
  bytes: number;
  rows: number;
}

export async function ensureStage(source: SnowflakeSource, stage: StageName, context: ErrorContext = {}): Promise<void> {
  const { sql, binds } = createStageStatement(stage);
  await source.execute(sql, binds, context);
}

/** Removes every file under `prefix`; returns how many there were. */
export async function removeStageFiles(source: SnowflakeSource, stage: StageName, prefix: string, context: ErrorContext = {}): Promise<number> {
  const { sql, binds } = removeStatement(stage, prefix);
  return (await source.execute(sql, binds, context)).length;
}

/** Removes every file of one chunk of a run, every attempt's; returns how many there were. */
export function removeChunkFiles(source: SnowflakeSource, stage: StageName, runId: string, chunkId: number, context: ErrorContext = {}): Promise<number> {
  return removeStageFiles(source, stage, chunkPrefix(runId, chunkId), context);
}

/** Unloads a chunk statement's rows under `prefix`; returns the files written. */
export async function unloadToStage(source: SnowflakeSource, stage: StageName, prefix: string, chunk: Statement, compression: UnloadCompression, context: ErrorContext = {}): Promise<UnloadedFile[]> {
  const { sql, binds } = unloadStatement(stage, prefix, chunk, compression);
  const rows = await source.execute<{ FILE_NAME: string; FILE_SIZE: number | string; ROW_COUNT: number | string }>(sql, binds, context);
  return rows.map((r) => ({
    // Whether FILE_NAME repeats the unload prefix is not documented: accept both forms.
    path: r.FILE_NAME.startsWith(prefix) ? r.FILE_NAME : `${prefix}${r.FILE_NAME}`,
    bytes: Number(r.FILE_SIZE),
    rows: Number(r.ROW_COUNT),
  }));
}

/** A presigned URL for each path, keyed by path. */
export async function presignedUrls(source: SnowflakeSource, stage: StageName, paths: readonly string[], context: ErrorContext = {}): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const { sql, binds } = presignedUrlsStatement(stage, paths);
  const rows = await source.execute<{ PATH: string; URL: string }>(sql, binds, context);
  return new Map(rows.map((r) => [r.PATH, r.URL]));
}
