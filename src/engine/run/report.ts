// What a worker tells its host about the run: progress on every beat (from the status tables, so
// every worker of the run counts and the numbers match the views), table state changes, and at
// the end `run/finished` as the status tables have it, whatever ended this worker's share.
import { Events, type DataOf, type TableSummary } from '../../protocol/engine';
import { errorMessage } from '../errors';
import { withClient } from '../session';
import { finishRun, getRunTables, listWorkers, readRunSummaries, readTableStates, requestStop, type RunProgressSummary } from '../state';
import type { ChunkLoader } from './chunkLoader';
import { currentRssMb } from './memoryGuard';
import type { RunContext } from './runContext';
import { strippedNulsNote } from './tableNotes';
import type { ThreadTuner } from './tuner';

export type RunFinished = DataOf<typeof Events.runFinished>;

/** How this worker's share ended. */
export interface Ending {
  /** The host asked this worker to stop or abort: unfinished work makes the run `stopped`. */
  stoppedByHost: boolean;
  /** A joined worker (`thaw worker`) stopped by its host: it leaves, and the run stays open for others. */
  leaving?: boolean;
  /** What ended it early, when something did. */
  failure?: unknown;
}

export class RunReporter {
  private readonly startedMs = Date.now();
  private peakRssMb = currentRssMb();
  private readonly tableStates = new Map<number, TableSummary['status']>();
  private last: RunProgressSummary | undefined;

  constructor(private readonly ctx: RunContext) {}

  /** The run now, from the status tables; emits `run/progress` and any table state change. */
  async progress(tuner: ThreadTuner, rssMb = currentRssMb()): Promise<RunProgressSummary> {
    const { ctx } = this;
    const { pool, statusSchema, config } = ctx.session;
    this.peakRssMb = Math.max(this.peakRssMb, rssMb);
    const [summary] = await readRunSummaries(pool, statusSchema, { runId: ctx.runId, heartbeatTimeoutSeconds: config.worker_heartbeat_timeout_seconds });
    if (!summary) throw new Error(`run ${ctx.runId} is missing from the status tables`);
    this.last = summary;
    ctx.emit(Events.runProgress, {
      runId: ctx.runId,
      rowsTotal: summary.rowsTotal,
      rowsLoaded: summary.rowsLoaded,
      bytesLoaded: summary.bytesLoaded,
      chunksTotal: summary.chunksTotal,
      chunks: summary.chunks,
      rowsPerSecond: summary.rowsPerSecond,
      etaSeconds: summary.etaSeconds,
      threadsDesired: tuner.desired,
      threadsEffective: tuner.effective,
      batchSize: summary.batchSize,
      rssMb,
      peakRssMb: this.peakRssMb,
    });
    for (const t of await readTableStates(pool, statusSchema, ctx.runId)) {
      const before = this.tableStates.get(t.tableOrdinal);
      this.tableStates.set(t.tableOrdinal, t.status);
      if (before !== undefined && before !== t.status) ctx.emit(Events.tableStateChanged, { runId: ctx.runId, ...t });
    }
    return summary;
  }

  /**
   * Closes this worker's share: finalizes tables whose last chunk another (dead) worker loaded,
   * closes the run unless other workers carry on, and reports what the status tables say. When
   * even they cannot be read, reports what this worker knows, as `failed`.
   */
  async finish(tuner: ThreadTuner, loader: ChunkLoader, ending: Ending): Promise<RunFinished> {
    const { ctx } = this;
    const { pool, statusSchema } = ctx.session;
    const seconds = (Date.now() - this.startedMs) / 1000;
    const cause = ending.failure === undefined ? undefined : errorMessage(ending.failure);
    const base = { runId: ctx.runId, rowsLoadedHere: loader.rowsLoadedHere, seconds, peakRssMb: this.peakRssMb, ...(cause ? { error: cause } : {}) };
    try {
      for (const record of await getRunTables(pool, statusSchema, ctx.runId)) {
        // Tables completed by a worker that died before adding their primary key.
        if (ending.failure === undefined && record.status === 'completed' && record.createdTable && !record.finalizedAt) {
          await loader.finalize(loader.tableOf(record.tableOrdinal));
        }
        const stripped = strippedNulsNote(record);
        if (stripped) ctx.log('warn', stripped, { table: `${record.targetSchema}.${record.targetTable}`, tableOrdinal: record.tableOrdinal });
      }
      const progress = await this.progress(tuner);
      const unfinished = progress.chunks.pending + progress.chunks.in_progress;
      const othersRunning = (await listWorkers(pool, statusSchema, ctx.runId)).some((w) => w.status === 'running' && w.workerId !== ctx.workerId);
      if (unfinished > 0 && (othersRunning || (ending.leaving && ending.failure === undefined))) {
        // Other workers carry on with the run (or will join it); it is theirs to close.
        return { ...base, status: 'in_progress', rowsLoaded: progress.rowsLoaded, rowsTotal: progress.rowsTotal, failedChunks: progress.chunks.failed };
      }
      // A stop asked of this worker alone (Ctrl-C, the editor closing) stops the run too.
      if (unfinished > 0 && ending.stoppedByHost && ending.failure === undefined) await requestStop(pool, statusSchema, ctx.runId);
      const outcome = await withClient(ctx.session, (client) => finishRun(client, statusSchema, ctx.runId, cause));
      return {
        ...base,
        status: outcome.run.status,
        rowsLoaded: progress.rowsLoaded,
        rowsTotal: progress.rowsTotal,
        failedChunks: outcome.chunksFailed,
        ...(outcome.run.error ? { error: outcome.run.error } : {}),
      };
    } catch (err) {
      ctx.log('error', `could not read the run's final state: ${errorMessage(err)}`);
      const known = this.last;
      return {
        ...base,
        status: 'failed',
        rowsLoaded: known?.rowsLoaded ?? loader.rowsLoadedHere,
        rowsTotal: known?.rowsTotal ?? 0,
        failedChunks: known?.chunks.failed ?? 0,
        error: [cause, `final state unknown: ${errorMessage(err)}`].filter(Boolean).join('; '),
      };
    }
  }
}
