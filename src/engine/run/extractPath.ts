// Which way each chunk leaves Snowflake (extract_mode): unloaded to a stage and streamed from
// presigned URLs, or one streaming query. `unload` checks the unload path once as the worker starts
// and fails the run when it does not work. `auto` sends chunks planned below `unload_min_rows` to
// the query path (an unload's fixed cost, three more statements and on Snowflake a second or more of
// latency, outweighs what it saves on a small chunk); the first larger chunk makes the worker check
// the unload path once — stage, a one-row unload, its presigned URL, its download — and when any of
// it is refused (PREVENT_UNLOAD_TO_INTERNAL_STAGES, missing privileges, a stage without
// SNOWFLAKE_SSE) every chunk takes the query path, with one log line saying why. A committed
// chunk's files are removed in the background; the run's are swept when it ends or is abandoned.
import { join } from 'node:path';
import type { ResolvedConfig } from '../config';
import { UNLOAD_FILES, type UnloadCompression } from '../config/schema';
import { errorMessage, SourceError } from '../errors';
import { stateDirFor, type PgSession } from '../session';
import { openSource, type SnowflakeSource } from '../source';
import { boundHeapGrowth } from '../source/heapGrowth';
import { downloadFile } from '../source/download';
import { ensureStage, presignedUrls, removeChunkFiles, removeStageFiles, unloadToStage } from '../source/unload/stageFiles';
import { probeQuery, resolveStageName, stageReference, type StageName } from '../source/unload/stageSql';

/** Snowflake's "does not exist or not authorized". */
const STAGE_MISSING = '002003';

export type ExtractPath = { kind: 'query' } | { kind: 'unload'; stage: StageName; compression: UnloadCompression };

const QUERY: ExtractPath = { kind: 'query' };

type Log = (level: 'info' | 'warn', message: string) => void;

export function stageOf(config: ResolvedConfig): StageName {
  return resolveStageName(config.unload_stage, config.source.database, config.source.schema);
}

/** One worker's choice of path per chunk, and how many chunk attempts took each. */
export class ExtractPaths {
  /** The unload path once checked: itself, or the query path when `auto` found it refused. */
  private unloadChecked: Promise<ExtractPath> | undefined;
  private unloadWorks = false;
  /** Chunk attempts this worker started on each path. */
  readonly chunks = { unload: 0, query: 0 };
  /** Removals of committed chunks' files still under way. */
  private readonly removals = new Set<Promise<void>>();

  constructor(
    private readonly source: SnowflakeSource,
    private readonly config: ResolvedConfig,
    private readonly runId: string,
    private readonly log: Log,
  ) {}

  /** As the worker starts: `query` says so, `unload` checks its path now and throws if it fails. */
  async start(): Promise<void> {
    if (this.config.extract_mode === 'query') this.log('info', 'extract path: query (extract_mode "query")');
    if (this.config.extract_mode === 'unload') await this.unloadPath();
  }

  async forChunk(plannedRows: number): Promise<ExtractPath> {
    const { extract_mode: mode, unload_min_rows: minRows } = this.config;
    const path = mode === 'query' || (mode === 'auto' && plannedRows < minRows) ? QUERY : await this.unloadPath();
    if (path.kind === 'query' && this.chunks.query === 0) boundHeapGrowth();
    this.chunks[path.kind]++;
    return path;
  }

  /** True once this worker has unloaded to the stage: the run's files are then swept when it ends. */
  get stageUsed(): boolean {
    return this.unloadWorks;
  }

  /**
   * Removes a committed chunk's files, every attempt's, without holding up its thread: the next
   * chunk need not wait for the round trip. One that fails leaves them to the run's sweep.
   */
  removeCommitted(stage: StageName, chunkId: number): void {
    const removal: Promise<void> = removeChunkFiles(this.source, stage, this.runId, chunkId)
      .then(
        () => undefined,
        (err: unknown) => this.log('warn', `the stage files of chunk ${chunkId} stay until the run's sweep: ${errorMessage(err)}`),
      )
      .finally(() => this.removals.delete(removal));
    this.removals.add(removal);
  }

  /** Resolves once every removal started so far has ended. */
  async removalsEnded(): Promise<void> {
    await Promise.all(this.removals);
  }

  private unloadPath(): Promise<ExtractPath> {
    this.unloadChecked ??= this.checkUnload();
    return this.unloadChecked;
  }

  private async checkUnload(): Promise<ExtractPath> {
    const { config, runId } = this;
    const stage = stageOf(config);
    try {
      await probeUnload(this.source, stage, config.unload_compression, config.unload_stage === undefined, `${runId}/probe-${process.pid}/`);
    } catch (err) {
      const why = errorMessage(err);
      if (config.extract_mode === 'unload') {
        throw new SourceError(`extract_mode "unload": unloading to @${stageReference(stage)} failed: ${why} (extract_mode "auto" would fall back to the query path)`, false, { runId });
      }
      this.log('warn', `extract path: query, because unloading to @${stageReference(stage)} was refused: ${why}`);
      return QUERY;
    }
    const smaller = config.extract_mode === 'auto' ? ` (chunks below ${config.unload_min_rows.toLocaleString('en-US')} rows, unload_min_rows: query)` : '';
    this.unloadWorks = true;
    this.log('info', `extract path: unload to @${stageReference(stage)}, ${UNLOAD_FILES[config.unload_compression]} files streamed from presigned URLs${smaller}`);
    return { kind: 'unload', stage, compression: config.unload_compression };
  }
}

/** Everything the unload path needs, once, on one row; its file is removed afterwards. */
async function probeUnload(source: SnowflakeSource, stage: StageName, compression: UnloadCompression, create: boolean, prefix: string): Promise<void> {
  if (create) await ensureStage(source, stage);
  try {
    const files = await unloadToStage(source, stage, prefix, probeQuery(), compression);
    const urls = await presignedUrls(source, stage, files.map((f) => f.path));
    for (const file of files) {
      for await (const _ of downloadFile({ bytes: file.bytes, url: async () => urls.get(file.path) ?? '', context: {} })) {
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
