// What the engine worker does for each request of the protocol. One run executes at a time in a
// worker; quick requests (stop, tune) can arrive while it does.
import type { EngineMethod, EngineRequests } from '../protocol/engine';
import { RefusedError } from './errors';
import { executeRun, type Emit } from './run/executeRun';
import { openSession, type Session } from './session';
import { planAndReport } from './plan/planCommand';
import { prepareNewRun, recordRunFailure } from './run/startRun';
import { prepareResume } from './run/resumeRun';
import { requestStop, tuneRun } from './control';
import type { RunTable } from './run/runTables';
import type { Snapshot } from './source';

interface ActiveRun {
  runId: string;
  stop: AbortController;
  abort: AbortController;
  done: Promise<void>;
}

/** A target table `truncate_onstart` emptied as the run started. */
export interface Truncation {
  /** `target_schema.target_table`. */
  table: string;
  rows: number;
}

export interface PreparedRun {
  runId: string;
  tables: Map<number, RunTable>;
  snapshot: Snapshot | undefined;
  chunks: number;
  rows: number;
  resumed: boolean;
  truncated?: Truncation[];
}

export class EngineService {
  private active: ActiveRun | undefined;

  constructor(private readonly emit: Emit) {}

  private readonly handlers: { [M in EngineMethod]: (params: EngineRequests[M]['params']) => Promise<EngineRequests[M]['result']> } = {
    'run/plan': (p) => this.withSession(p.configPath, true, (s) => planAndReport(s)),
    'run/start': (p) => this.begin(p.configPath, true, (s) => prepareNewRun(s, { append: !!p.append })),
    'run/resume': (p) => this.begin(p.configPath, true, (s) => prepareResume(s, { runId: p.runId, requeue: { allFailed: true } })),
    'run/retry': (p) =>
      this.begin(p.configPath, !p.queueOnly, (s) =>
        prepareResume(s, {
          runId: p.runId,
          requeue: { allFailed: p.chunkId === undefined && p.table === undefined, chunkId: p.chunkId, table: p.table },
          queueOnly: p.queueOnly,
        }),
      ),
    'run/stop': (p) => this.withSession(p.configPath, false, (s) => requestStop(s, p.runId)),
    'run/tune': (p) => this.withSession(p.configPath, p.batchSize !== undefined, (s) => tuneRun(s, p)),
    'worker/stop': async () => {
      const runId = this.active?.runId ?? null;
      await this.shutdown();
      return { runId };
    },
  };

  handle<M extends EngineMethod>(method: M, params: EngineRequests[M]['params']): Promise<EngineRequests[M]['result']> {
    const handler = this.handlers[method] as ((p: typeof params) => Promise<EngineRequests[M]['result']>) | undefined;
    return handler ? handler(params) : Promise.reject(new Error(`unknown request ${String(method)}`));
  }

  /** Finishes the chunks in flight, records the run's state, and resolves when nothing runs. */
  async shutdown(): Promise<void> {
    this.active?.stop.abort();
    await this.active?.done;
  }

  private async withSession<T>(configPath: string, source: boolean, use: (s: Session) => Promise<T>): Promise<T> {
    const session = await openSession(configPath, { source });
    try {
      return await use(session);
    } finally {
      await session.close();
    }
  }

  /**
   * Prepares a run (new, resumed or retried) and executes it in the background: the request is
   * answered once the run exists, its end is the `run/finished` event.
   */
  private async begin(
    configPath: string,
    /** Whether the run reads Snowflake here: re-queueing failed chunks (retry --queue-only) does not. */
    source: boolean,
    prepare: (s: Session) => Promise<PreparedRun & { requeued?: number; queueOnly?: boolean }>,
  ): Promise<{ runId: string; requeued: number }> {
    if (this.active) throw new RefusedError(`this worker is already running run ${this.active.runId}`);
    const session = await openSession(configPath, { source });
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(session);
    } catch (err) {
      await session.close();
      throw err;
    }
    if (prepared.queueOnly) {
      await session.close();
      return { runId: prepared.runId, requeued: prepared.requeued ?? 0 };
    }
    const { runId } = prepared;
    this.emit('run/started', {
      runId,
      configHash: session.configHash,
      tables: prepared.tables.size,
      chunks: prepared.chunks,
      rows: prepared.rows,
      resumed: prepared.resumed,
    });
    for (const t of prepared.truncated ?? []) {
      this.emit('log', {
        level: 'info',
        message: `truncate_onstart emptied ${t.table}: ${t.rows.toLocaleString('en-US')} row(s) removed`,
        context: { runId, table: t.table, rowsRemoved: t.rows },
      });
    }
    const stop = new AbortController();
    const abort = new AbortController();
    const started = Date.now();
    const done = executeRun({ session, runId, tables: prepared.tables, snapshot: prepared.snapshot, emit: this.emit, stopSignal: stop.signal, abortSignal: abort.signal })
      .then((result) => this.emit('run/finished', { runId, ...result, seconds: (Date.now() - started) / 1000 }))
      .catch(async (err: unknown) => {
        // The run must not stay `in_progress` with no one executing it and no cause recorded.
        await recordRunFailure(session, runId, err);
        this.emit('log', { level: 'error', message: `run ${runId} stopped on an error: ${err instanceof Error ? err.message : String(err)}`, context: { runId } });
        this.emit('run/finished', { runId, status: 'failed', rowsLoaded: 0, failedChunks: 0, peakRssMb: 0, seconds: (Date.now() - started) / 1000 });
      })
      .finally(async () => {
        this.active = undefined;
        await session.close();
      });
    this.active = { runId, stop, abort, done };
    return { runId, requeued: prepared.requeued ?? 0 };
  }
}
