// One worker's share of a run, in five named parts: it CLAIMS chunks while it has free threads
// (this file), LOADS them (chunkLoader), BEATS once per tick (heartbeat: liveness, tunables, stop
// flag, dead workers' chunks), TUNES its threads to the user's wish and its memory (tuner), and
// REPORTS progress and its end from the status tables (report). Several workers (processes,
// hosts) can execute the same run at once: chunks are claimed with FOR UPDATE SKIP LOCKED.
//
// Whatever happens, the worker's row is signed off and `run/finished` says what the status
// tables hold; a failure closes the run `failed` with its cause, unless other workers go on.
import pLimit from 'p-limit';
import { Events } from '../../protocol/engine';
import type { Emit } from '../emit';
import { errorMessage } from '../errors';
import type { Session } from '../session';
import { claimChunk, getRunTables, markWorkerStopped, registerWorker } from '../state';
import { ChunkLoader } from './chunkLoader';
import { ExtractPaths, sweepRunStage } from './extractPath';
import { Heartbeat } from './heartbeat';
import { currentRssMb } from './memoryGuard';
import { StatusTablesOutage } from './outage';
import type { PreparedRun } from './preparedRun';
import { RunReporter, type RunFinished } from './report';
import { createRunContext, type RunContext } from './runContext';
import { ThreadTuner } from './tuner';

export interface ExecuteOptions {
  session: Session;
  prepared: PreparedRun;
  emit: Emit;
  /** Aborted when the host asks this worker to stop: chunks in flight finish, nothing new starts. */
  stopSignal: AbortSignal;
  /** Aborted to give up at once: chunks in flight roll back, the run stays resumable. */
  abortSignal: AbortSignal;
  tickMs?: number;
}

export class RunExecutor {
  protected readonly ctx: RunContext;
  protected readonly loader: ChunkLoader;
  protected readonly heartbeat: Heartbeat;
  protected readonly tuner: ThreadTuner;
  protected readonly reporter: RunReporter;
  protected readonly outage: StatusTablesOutage;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly tickMs: number;
  /** Aborted by the host, or by this worker when it fails: the chunks in flight roll back. */
  private readonly rollback = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Set when a beat says the run wants this worker to stop claiming. */
  private stopping = false;
  /** Wakes the claim loop when a chunk finishes. */
  private wake: () => void = () => {};
  /** True until the claim loop ends: what is re-queued before then is claimed by this worker. */
  private claiming = true;
  /** Orders re-queues from outside with the claim loop's last look at the queue. */
  private queueTurn: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ExecuteOptions) {
    const { session, prepared, emit } = options;
    this.ctx = createRunContext(session, prepared.runId, emit);
    this.tickMs = options.tickMs ?? 1000;
    this.limit = pLimit(session.config.parallel_threads);
    const signal = AbortSignal.any([options.abortSignal, this.rollback.signal]);
    const paths = new ExtractPaths(session.source, session.config, prepared.runId, (level, message) => this.ctx.log(level, message));
    this.loader = new ChunkLoader(this.ctx, prepared.tables, prepared.snapshot, signal, paths);
    this.heartbeat = new Heartbeat(this.ctx, 5 * this.tickMs);
    this.tuner = new ThreadTuner(this.ctx, this.limit);
    this.reporter = new RunReporter(this.ctx);
    this.outage = new StatusTablesOutage(this.ctx, session.config.target_outage_seconds, (failure) =>
      emit(Events.workerStatus, { health: failure ? 'warning' : 'ok', runId: prepared.runId, pid: process.pid, ...(failure ? { message: failure } : {}) }),
    );
  }

  async execute(): Promise<RunFinished> {
    const cpuAtStart = process.cpuUsage();
    let failure: unknown;
    try {
      await this.register();
      await this.loader.paths.start();
      await this.beat();
      await this.claimUntilDone();
      await this.drain();
    } catch (err) {
      failure = err;
      this.ctx.log('error', `worker ${this.ctx.workerId} stopped on an error: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`);
      this.rollback.abort();
      await this.drain();
    } finally {
      await this.signOff();
    }
    const stoppedByHost = this.options.stopSignal.aborted || this.options.abortSignal.aborted;
    const leaving = stoppedByHost && !!this.options.prepared.joined;
    const finished = await this.reporter.finish(this.tuner, this.loader, { stoppedByHost, leaving, ...(failure === undefined ? {} : { failure }) });
    if (finished.status !== 'in_progress') await this.sweepStage();
    const cpu = process.cpuUsage(cpuAtStart);
    return { ...finished, cpuMicros: cpu.user + cpu.system, chunksByPath: { ...this.loader.paths.chunks } };
  }

  /** No chunk of the run is loading now (the run is closed or paused): files left by crashed attempts go. */
  protected async sweepStage(): Promise<void> {
    if (!this.loader.paths.stageUsed) return;
    await sweepRunStage(this.ctx.session.source, this.ctx.session.config, this.ctx.runId).catch((err: unknown) =>
      this.ctx.log('warn', `could not remove the run's stage files: ${errorMessage(err)}`),
    );
  }

  protected async register(): Promise<void> {
    const { pool, statusSchema } = this.ctx.session;
    await registerWorker(pool, statusSchema, { workerId: this.ctx.workerId, runId: this.ctx.runId, host: this.ctx.host, pidNamespace: this.ctx.pidNamespace, pid: process.pid, threads: this.limit.concurrency });
    for (const record of await getRunTables(pool, statusSchema, this.ctx.runId)) {
      for (const warning of record.warnings) this.ctx.log('warn', warning, { table: `${record.targetSchema}.${record.targetTable}`, tableOrdinal: record.tableOrdinal });
    }
  }

  /**
   * Runs `requeue` (a retry putting chunks back in the queue) while this worker still claims
   * chunks, so that it loads them; resolves undefined, without running it, once the claim loop has
   * ended. The loop's decision that nothing is left takes the same turn, so a re-queue lands
   * either before that look (and is claimed) or after the loop has ended (and is refused here).
   */
  requeueWhileClaiming<T>(requeue: () => Promise<T>): Promise<T | undefined> {
    return this.inTurn(() => (this.claiming ? requeue() : Promise.resolve(undefined)));
  }

  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queueTurn.then(step);
    this.queueTurn = next.catch(() => undefined);
    return next;
  }

  /** One tick: record late failures, beat, tune, report. */
  protected async beat(): Promise<void> {
    const rssMb = currentRssMb();
    await this.loader.recordPending();
    const beat = await this.heartbeat.beat({ rssMb, threads: this.limit.concurrency, heldChunkIds: this.loader.held });
    if (beat.stop) this.stopping = true;
    this.tuner.apply(rssMb, beat.parallelThreads, Date.now());
    await this.reporter.progress(this.tuner, rssMb);
  }

  /** Claims and starts chunks while threads are free, beating once per tick, until the run has no work left for it. */
  protected async claimUntilDone(): Promise<void> {
    try {
      await this.claimLoop();
    } finally {
      await this.inTurn(async () => {
        this.claiming = false;
      });
    }
  }

  private async claimLoop(): Promise<void> {
    let lastTick = Date.now();
    while (!this.stopping && !this.options.stopSignal.aborted && !this.options.abortSignal.aborted) {
      if (Date.now() - lastTick >= this.tickMs) {
        lastTick = Date.now();
        await this.outage.tolerate('heartbeat', () => this.beat());
        continue;
      }
      if (this.inFlight.size < this.limit.concurrency && !this.outage.ongoing) {
        const { pool, statusSchema } = this.ctx.session;
        const chunk = await this.outage.tolerate('claiming a chunk', () => claimChunk(pool, statusSchema, this.ctx.runId, this.ctx.workerId));
        if (chunk) {
          this.start(() => this.loader.load(chunk));
          continue;
        }
        // Nothing to claim now: finished when no chunk is pending or loading anywhere.
        if (chunk === null && this.inFlight.size === 0 && this.loader.idle) {
          const nothingLeft = await this.inTurn(async () => {
            const now = await this.outage.tolerate('reading progress', () => this.reporter.progress(this.tuner));
            if (!now || now.chunks.pending > 0 || now.chunks.in_progress > 0) return false;
            this.claiming = false;
            return true;
          });
          if (nothingLeft) return;
        }
      }
      await this.nap();
    }
  }

  /** Waits for the chunks in flight (they finish, or roll back once aborted). */
  protected async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.loader.paths.removalsEnded();
  }

  /** Marks this worker's row stopped: every exit path comes through here. */
  protected async signOff(): Promise<void> {
    const { pool, statusSchema } = this.ctx.session;
    await markWorkerStopped(pool, statusSchema, this.ctx.workerId).catch((err: unknown) =>
      this.ctx.log('warn', `could not mark worker ${this.ctx.workerId} stopped (others will find it dead): ${errorMessage(err)}`),
    );
  }

  private start(load: () => Promise<void>): void {
    const task: Promise<void> = this.limit(load)
      .catch((err: unknown) => this.ctx.log('error', `loading a chunk: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`))
      .finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
    this.inFlight.add(task);
  }

  private nap(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, this.tickMs).unref();
    });
  }
}
