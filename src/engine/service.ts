// What the engine worker does for each request of the protocol (src/protocol/engine.ts). One run
// executes at a time in a worker; every other request (reads, stop, tune, abandon) is answered
// while it does, so an editor can keep one worker for its whole session. Reads and run control
// need PostgreSQL only: their pools are cached per target (PgSessionCache).
import { Events, type ParamsOf, type Requests, type ResultOf } from '../protocol/engine';
import { abandon, requestStop, tuneRun } from './control';
import type { Emit } from './emit';
import { errorMessage, RefusedError } from './errors';
import { PgSessionCache } from './pgSessions';
import { planAndReport } from './plan/planCommand';
import { RunExecutor } from './run/executeRun';
import type { PreparedRun } from './run/preparedRun';
import { prepareJoin, type JoinedRun } from './run/joinRun';
import { prepareResume } from './run/resumeRun';
import { prepareNewRun } from './run/startRun';
import { openSession, type PgSession, type Session } from './session';
import {
  type RequeuedChunk,
  readChunkGroups,
  readChunkMap,
  readChunkPage,
  readRunSummaries,
  readTableSummaries,
  readThroughput,
  readTunings,
  readWorkerSummaries,
  retryChunks,
} from './state';
import { readVerification } from './verify/readVerification';
import { verifyForHost } from './verify/verifyRequest';

type RequestKey = keyof typeof Requests;
type RetryParams = ParamsOf<(typeof Requests)['retry']>;

/** One handler per request of the protocol: the compiler checks each against its descriptor. */
export type RequestHandlers = {
  [K in RequestKey]: (params: ParamsOf<(typeof Requests)[K]>) => Promise<ResultOf<(typeof Requests)[K]>>;
};

interface ActiveRun {
  runId: string;
  executor: RunExecutor;
  /** Finish the chunks in flight, then stop. */
  stop: AbortController;
  /** Roll the chunks in flight back now. */
  abort: AbortController;
  done: Promise<void>;
}

export interface EngineServiceOptions {
  /** The environment `${env:NAME}` references are read from, before worker/setEnv adds to it. */
  env?: NodeJS.ProcessEnv;
}

export class EngineService {
  private active: ActiveRun | undefined;
  private readonly baseEnv: NodeJS.ProcessEnv;
  /** Set by worker/setEnv: secrets a host holds, never written anywhere. */
  private extraEnv: Record<string, string> = {};
  private readonly pgSessions = new PgSessionCache();

  constructor(
    private readonly emit: Emit,
    options: EngineServiceOptions = {},
  ) {
    this.baseEnv = options.env ?? process.env;
  }

  readonly handlers: RequestHandlers = {
    plan: (p) => this.withSession(p.configPath, true, (s) => planAndReport(s)),
    start: (p) => this.begin(p.configPath, true, async (s) => ({ ...(await prepareNewRun(s, { append: !!p.append })), detached: !!p.detach })),
    resume: (p) => this.begin(p.configPath, true, (s) => prepareResume(s, { runId: p.runId, requeue: { allFailed: true } })),
    join: (p) => this.begin(p.configPath, true, (s) => prepareJoin(s, p.runId)),
    retry: (p) => this.requeueIntoActiveRun(p) ?? this.retryByResume(p),
    stop: async (p) => requestStop(await this.pgSession(p.configPath), p.runId),
    abandon: async (p) => {
      const { runId, released } = await abandon(await this.pgSession(p.configPath), p.runId);
      // The tree and the panel follow chunk events; without these they would learn of the change at their next read.
      for (const c of released) this.emit(Events.chunkStateChanged, { runId, tableOrdinal: c.tableOrdinal, chunkId: c.chunkId, status: 'pending', attempts: c.attempts });
      return { runId };
    },
    tune: async (p) => {
      const tuned = await this.withSession(p.configPath, p.batchSize !== undefined, (s) => tuneRun(s, p));
      this.emit(Events.runTuned, { runId: tuned.runId, threads: tuned.threads, batchSize: tuned.batchSize, at: new Date().toISOString() });
      return tuned;
    },

    listRuns: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readRunSummaries(s.pool, s.statusSchema, {
        configHash: p.allConfigs ? undefined : s.configHash,
        limit: p.limit,
        heartbeatTimeoutSeconds: s.config.worker_heartbeat_timeout_seconds,
      });
    },
    listTables: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readTableSummaries(s.pool, s.statusSchema, p.runId);
    },
    chunkGroups: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readChunkGroups(s.pool, s.statusSchema, p.runId, p.tableOrdinal);
    },
    listChunks: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readChunkPage(s.pool, s.statusSchema, p.runId, p);
    },
    listWorkers: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readWorkerSummaries(s.pool, s.statusSchema, p.runId);
    },
    chunkMap: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readChunkMap(s.pool, s.statusSchema, p.runId);
    },
    timeline: async (p) => {
      const s = await this.pgSession(p.configPath);
      const [buckets, tunings] = await Promise.all([
        readThroughput(s.pool, s.statusSchema, p.runId, p.bucketSeconds),
        readTunings(s.pool, s.statusSchema, p.runId),
      ]);
      return { runId: p.runId, bucketSeconds: p.bucketSeconds, buckets, tunings, maxWorkerMemoryMb: s.config.max_worker_memory_mb };
    },

    verify: (p) => this.withSession(p.configPath, true, (s) => verifyForHost(s, p, this.emit)),
    verifyResult: async (p) => {
      const s = await this.pgSession(p.configPath);
      return readVerification(s.pool, s.statusSchema, { configHash: s.configHash, runId: p.runId });
    },

    workerStop: async () => {
      const runId = this.active?.runId ?? null;
      await this.shutdown();
      return { runId };
    },
    workerAbort: async () => {
      const active = this.active;
      active?.abort.abort();
      await active?.done;
      return { runId: active?.runId ?? null };
    },
    workerSetEnv: async (p) => {
      this.extraEnv = { ...p.env };
      return { names: Object.keys(this.extraEnv).sort() };
    },
  };

  /** Finishes the chunks in flight, records the run's state, and resolves when nothing runs. */
  async shutdown(): Promise<void> {
    this.active?.stop.abort();
    await this.active?.done;
  }

  /** shutdown(), then closes the cached pools: the last thing a worker does. */
  async close(): Promise<void> {
    await this.shutdown();
    await this.pgSessions.close();
  }

  private get env(): NodeJS.ProcessEnv {
    return { ...this.baseEnv, ...this.extraEnv };
  }

  private pgSession(configPath: string): Promise<PgSession> {
    return this.pgSessions.open(configPath, this.env);
  }

  private async withSession<T>(configPath: string, source: boolean, use: (s: Session) => Promise<T>): Promise<T> {
    const session = await openSession(configPath, { source, env: this.env });
    try {
      return await use(session);
    } finally {
      await session.close();
    }
  }

  private announceRequeued(runId: string, requeued: RequeuedChunk[]): void {
    for (const c of requeued) this.emit(Events.chunkStateChanged, { runId, tableOrdinal: c.tableOrdinal, chunkId: c.chunkId, status: 'pending', attempts: 0 });
  }

  /**
   * A retry of chunks of the run this worker executes: they go back in the queue and the running
   * loop claims them like any pending chunk (no second run, no refusal). Undefined otherwise, or
   * when the chunks are named by table name (the run's own path resolves those).
   *
   * The run may be past its last claim (its loop found nothing left and it is closing): chunks
   * re-queued then would stay pending in a closed run. So the re-queue happens only while the loop
   * still claims; otherwise the retry waits for the run to close and resumes it, as a retry of a
   * run nobody executes does.
   */
  private requeueIntoActiveRun(p: RetryParams): Promise<{ runId: string; requeued: number }> | undefined {
    const active = this.active;
    if (!active || p.runId !== active.runId || p.table !== undefined) return undefined;
    return this.pgSession(p.configPath).then(async (s) => {
      const target = { runId: active.runId, chunkId: p.chunkId, chunkIds: p.chunkIds, tableOrdinal: p.tableOrdinal };
      const requeued = await active.executor.requeueWhileClaiming(() => retryChunks(s.pool, s.statusSchema, target));
      if (requeued === undefined) {
        this.emit(Events.log, {
          level: 'info',
          message: `run ${active.runId} has no chunk left to claim in this worker; the retry resumes it once it has closed`,
          context: { runId: active.runId },
        });
        await active.done;
        return this.retryByResume(p);
      }
      this.announceRequeued(active.runId, requeued);
      return { runId: active.runId, requeued: requeued.length };
    });
  }

  /** Re-queues the chunks of a run this worker does not execute, and resumes it (unless queueOnly). */
  private retryByResume(p: RetryParams): Promise<{ runId: string; requeued: number }> {
    return this.begin(p.configPath, !p.queueOnly, (s) =>
      prepareResume(s, {
        runId: p.runId,
        requeue: {
          allFailed: p.chunkId === undefined && p.chunkIds === undefined && p.table === undefined && p.tableOrdinal === undefined,
          chunkId: p.chunkId,
          chunkIds: p.chunkIds,
          table: p.table,
          tableOrdinal: p.tableOrdinal,
        },
        queueOnly: p.queueOnly,
      }),
    );
  }

  /**
   * Prepares a run (new, resumed or retried) and executes it in the background: the request is
   * answered once the run exists, its end is the `run/finished` event.
   */
  private async begin(
    configPath: string,
    /** Whether the run reads Snowflake here: re-queueing failed chunks (retry --queue-only) does not. */
    source: boolean,
    prepare: (s: Session) => Promise<(PreparedRun & { requeued?: RequeuedChunk[]; queueOnly?: boolean; detached?: boolean }) | Extract<JoinedRun, { closed: string }>>,
  ): Promise<{ runId: string; requeued: number; closed?: 'completed'; detached?: boolean }> {
    if (this.active) throw new RefusedError(`this worker is already running run ${this.active.runId}`, { runId: this.active.runId });
    const session = await openSession(configPath, { source, env: this.env });
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(session);
    } catch (err) {
      await session.close();
      throw err;
    }
    if ('closed' in prepared) {
      await session.close();
      return { runId: prepared.runId, requeued: 0, closed: prepared.closed };
    }
    const requeued = prepared.requeued ?? [];
    const announceRequeued = () => this.announceRequeued(prepared.runId, requeued);
    if (prepared.queueOnly) {
      await session.close();
      announceRequeued();
      return { runId: prepared.runId, requeued: requeued.length };
    }
    const { runId } = prepared;
    this.emit(Events.runStarted, {
      runId,
      configPath: session.configPath,
      configHash: session.configHash,
      tables: prepared.tables.size,
      chunks: prepared.chunks,
      rows: prepared.rows,
      resumed: prepared.resumed,
      ...(prepared.joined ? { joined: true } : {}),
    });
    announceRequeued();
    for (const t of prepared.truncated ?? []) {
      this.emit(Events.log, {
        level: 'info',
        message: `truncate_onstart emptied ${t.table}: ${t.rows.toLocaleString('en-US')} row(s) removed`,
        context: { runId, table: t.table, rowsRemoved: t.rows },
      });
    }
    if (prepared.detached) {
      // Started for `thaw worker` processes to execute: nothing runs here.
      await session.close();
      return { runId, requeued: 0, detached: true };
    }
    this.emit(Events.workerStatus, { health: 'ok', runId, pid: process.pid, message: `running run ${runId}` });
    const stop = new AbortController();
    const abort = new AbortController();
    const executor = new RunExecutor({ session, prepared, emit: this.emit, stopSignal: stop.signal, abortSignal: abort.signal });
    const done = executor
      .execute()
      .then((finished) => {
        this.emit(Events.runFinished, finished);
        const health = finished.status === 'completed' ? 'ok' : finished.status === 'stopped' ? 'stopped' : 'error';
        this.emit(Events.workerStatus, { health, runId: null, pid: process.pid, message: `run ${runId} ${finished.status}${finished.error ? `: ${finished.error}` : ''}` });
      })
      .catch((err: unknown) => {
        // execute() reports its own failures; reaching here is a bug in the reporting itself.
        this.emit(Events.log, { level: 'error', message: `run ${runId}: ${errorMessage(err)}`, context: { runId } });
      })
      .finally(async () => {
        this.active = undefined;
        await session.close();
      });
    this.active = { runId, executor, stop, abort, done };
    return { runId, requeued: requeued.length };
  }
}
