// Which way a worker's chunks leave Snowflake (extract_mode): unloaded to a stage and streamed from
// presigned URLs, or one streaming query each. `auto` tries the unload once per worker — stage,
// a one-row unload, its presigned URL, its download — and falls back to the query path with one log
// line when any of it is refused (PREVENT_UNLOAD_TO_INTERNAL_STAGES, missing privileges, a stage
// without SNOWFLAKE_SSE). The run's stage files are swept when it ends or is abandoned.
import { join } from 'node:path';
import type { ResolvedConfig } from '../config';
import { errorMessage, SourceError } from '../errors';
import { stateDirFor, type PgSession } from '../session';
import { openSource, type SnowflakeSource } from '../source';
import { downloadStageFile } from '../source/unload/download';
import { ensureStage, presignedUrls, removeStageFiles, unloadToStage } from '../source/unload/stageFiles';
import { probeQuery, resolveStageName, stageReference, type StageName } from '../source/unload/stageSql';

/** Snowflake's "does not exist or not authorized". */
const STAGE_MISSING = '002003';

export type ExtractPath = { kind: 'query' } | { kind: 'unload'; stage: StageName };

type Log = (level: 'info' | 'warn', message: string) => void;

export function stageOf(config: ResolvedConfig): StageName {
  return resolveStageName(config.unload_stage, config.source.database, config.source.schema);
}

export async function chooseExtractPath(source: SnowflakeSource, config: ResolvedConfig, runId: string, log: Log): Promise<ExtractPath> {
  if (config.extract_mode === 'query') {
    log('info', 'extract path: query (extract_mode "query")');
    return { kind: 'query' };
  }
  const stage = stageOf(config);
  try {
    await probeUnload(source, stage, config.unload_stage === undefined, `${runId}/probe-${process.pid}/`);
  } catch (err) {
    const why = errorMessage(err);
    if (config.extract_mode === 'unload') {
      throw new SourceError(`extract_mode "unload": unloading to @${stageReference(stage)} failed: ${why} (extract_mode "auto" would fall back to the query path)`, false, { runId });
    }
    log('warn', `extract path: query, because unloading to @${stageReference(stage)} was refused: ${why}`);
    return { kind: 'query' };
  }
  log('info', `extract path: unload to @${stageReference(stage)}, files streamed from presigned URLs`);
  return { kind: 'unload', stage };
}

/** Everything the unload path needs, once, on one row; its file is removed afterwards. */
async function probeUnload(source: SnowflakeSource, stage: StageName, create: boolean, prefix: string): Promise<void> {
  if (create) await ensureStage(source, stage);
  try {
    const files = await unloadToStage(source, stage, prefix, probeQuery());
    const urls = await presignedUrls(source, stage, files.map((f) => f.path));
    for (const file of files) {
      for await (const _ of downloadStageFile({ bytes: file.bytes, url: async () => urls.get(file.path) ?? '', context: {} })) {
        // Read to the end: the URL works.
      }
    }
  } finally {
    await removeStageFiles(source, stage, prefix).catch(() => undefined);
  }
}

/** Removes every stage file of a run (its chunks remove their own; this catches crashed ones). */
export async function sweepRunStage(source: SnowflakeSource, config: ResolvedConfig, runId: string): Promise<number> {
  return removeStageFiles(source, stageOf(config), `${runId}/`, { runId });
}

/**
 * After `thaw abandon` (which needs no Snowflake connection otherwise): removes the run's stage
 * files if Snowflake can be reached. Returns a warning saying what remains when it cannot.
 */
export async function sweepAbandonedRun(session: PgSession, runId: string): Promise<string | null> {
  const { config } = session;
  if (config.extract_mode === 'query') return null;
  let source: SnowflakeSource | undefined;
  try {
    source = await openSource(config.source, { logDir: join(stateDirFor(session.configPath), 'logs'), loginRetries: 0 });
    await sweepRunStage(source, config, runId).catch((err: unknown) => {
      // No stage: the run never unloaded anything.
      if (!(err instanceof SourceError && err.context.code === STAGE_MISSING)) throw err;
    });
    return null;
  } catch (err) {
    return `the stage files of run ${runId}, if any, remain: REMOVE @${stageReference(stageOf(config))}/${runId}/ removes them (${errorMessage(err)})`;
  } finally {
    await source?.close();
  }
}
