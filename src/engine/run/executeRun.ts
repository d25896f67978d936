// One worker's share of a run: claims chunks while it has free threads, loads them, heartbeats,
// follows the run's tunables and stop flag from the status tables, takes back the chunks of dead
// workers, and keeps its memory under max_worker_memory_mb. Several workers (processes, hosts)
// can execute the same run at once: chunks are claimed with FOR UPDATE SKIP LOCKED.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import type { EngineEvents } from '../../protocol/engine';
import { errorMessage } from '../errors';
import { withClient, type Session } from '../session';
import type { Snapshot } from '../source';
import {
  claimChunk,
  finishRun,
  getRunProgress,
  getRunTables,
  heartbeatWorker,
  listWorkers,
  markTableFinalized,
  markWorkerStopped,
  reclaimDeadWorkers,
  registerWorker,
  releaseOrphanedChunks,
  requestStop,
  type ChunkFailure,
  type ChunkRecord,
  type RetryPolicy,
  type RunProgress,
} from '../state';
import { addPrimaryKeyAndAnalyze } from '../target';
import { recordFailure, runChunkTask } from './chunkTask';
import { chooseExtractPath, sweepRunStage } from './extractPath';
import { currentRssMb, MemoryGuard } from './memoryGuard';
import { RateWindow } from './rate';
import type { RunTable } from './runTables';
import { strippedNulsNote } from './tableNotes';

export type Emit = <E extends keyof EngineEvents>(event: E, data: EngineEvents[E]) => void;

export interface ExecuteOptions {
  session: Session;
  runId: string;
  tables: Map<number, RunTable>;
  snapshot: Snapshot | undefined;
  emit: Emit;
  /** Aborted when the host asks this worker to stop: chunks in flight finish, nothing new starts. */
  stopSignal: AbortSignal;
  /** Aborted to give up at once: chunks in flight roll back. */
  abortSignal: AbortSignal;
  tickMs?: number;
}

export interface ExecuteResult {
  status: EngineEvents['run/finished']['status'];
  rowsLoaded: number;
  failedChunks: number;
  peakRssMb: number;
  /** CPU this process used while executing the run (process.cpuUsage, user + system), in µs. */
  cpuMicros: number;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { session, runId, tables, snapshot, emit } = options;
  const { pool, statusSchema: schema, config } = session;
  const tickMs = options.tickMs ?? 1000;
  const cpuAtStart = process.cpuUsage();
  const cpuMicros = () => {
    const used = process.cpuUsage(cpuAtStart);
    return used.user + used.system;
  };
  const host = hostname();
  const workerId = `${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const policy: RetryPolicy = { maxAttempts: config.max_attempts, baseDelayMs: config.retry_delay_seconds * 1000, maxDelayMs: 300_000 };
  const log = (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, string | number | undefined>) =>
    emit('log', { level, message, context: { runId, ...context } });

  const limit = pLimit(config.parallel_threads);
  const guard = new MemoryGuard(config.max_worker_memory_mb, config.parallel_threads);
  const rate = new RateWindow();
  let peakRssMb = currentRssMb();
  let lastReclaim = 0;
  let stopping = false;

  const extract = await chooseExtractPath(session.source, config, runId, (level, message) => log(level, message));
  await registerWorker(pool, schema, { workerId, runId, host, pid: process.pid, threads: limit.concurrency });
  for (const record of await getRunTables(pool, schema, runId)) {
    for (const warning of record.warnings) log('warn', warning, { table: `${record.targetSchema}.${record.targetTable}` });
  }

  const finalize = async (table: RunTable) => {
    try {
      await addPrimaryKeyAndAnalyze(pool, table.target.schema, table.target.table, table.primaryKey);
      await markTableFinalized(pool, schema, runId, table.ordinal);
    } catch (err) {
      // The rows are all there; a key that cannot be added (NULLs, duplicates in the source) is
      // reported, not a reason to call the load failed.
      log('warn', `loaded, but: ${errorMessage(err)}`, { table: table.target.table });
    }
  };

  // Failed attempts whose failure could not be written (status tables unreachable): retried each tick.
  const unrecorded = new Map<number, { chunk: ChunkRecord; failure: ChunkFailure }>();
  const recordPending = async () => {
    for (const [chunkId, { chunk, failure }] of unrecorded) {
      const outcome = await recordFailure(session, runId, workerId, chunk, failure, policy);
      if (outcome.status === 'unrecorded') return;
      unrecorded.delete(chunkId);
    }
  };

  // The status tables can be out of reach for a moment (a failover, a network blip): the run
  // waits for them rather than ending, up to target_outage_seconds.
  let outageSince: number | undefined;
  let lastOutageLog = 0;
  const tolerate = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await work();
      if (outageSince !== undefined) log('info', `the status tables answer again after ${Math.round((Date.now() - outageSince) / 1000)} s`);
      outageSince = undefined;
      return result;
    } catch (err) {
      const now = Date.now();
      outageSince ??= now;
      if (now - outageSince > config.target_outage_seconds * 1000) throw err;
      if (now - lastOutageLog >= 10_000) {
        lastOutageLog = now;
        log('warn', `${what} failed, trying again: ${errorMessage(err)}`);
      }
      return undefined;
    }
  };

  const onChunk = async (chunk: ChunkRecord, table: RunTable) => {
    const name = table.sourceTable.table;
    emit('chunk/stateChanged', { runId, table: name, chunkId: chunk.chunkId, status: 'in_progress', attempts: chunk.attempts });
    const outcome = await runChunkTask(session, runId, workerId, chunk, table, snapshot, policy, options.abortSignal, extract);
    if (outcome.status === 'completed') {
      emit('chunk/stateChanged', { runId, table: name, chunkId: chunk.chunkId, status: 'completed', attempts: chunk.attempts, rows: outcome.rows });
      if (outcome.tableStatus === 'completed') {
        if (table.createdTable) await finalize(table);
        emit('table/stateChanged', { runId, table: name, status: 'completed' });
      }
      return;
    }
    if (outcome.status === 'unrecorded') {
      unrecorded.set(chunk.chunkId, { chunk, failure: outcome.failure });
      log('warn', `chunk ${chunk.chunkId} failed (${outcome.error}) and its failure could not be recorded yet (${outcome.cause})`, { table: name, chunkId: chunk.chunkId });
      return;
    }
    if (outcome.status === 'lost') {
      log('warn', `chunk ${chunk.chunkId} was taken back by another worker: ${outcome.error}`, { table: name, chunkId: chunk.chunkId });
      return;
    }
    emit('chunk/stateChanged', { runId, table: name, chunkId: chunk.chunkId, status: outcome.status, attempts: chunk.attempts, error: outcome.error });
    const retry = outcome.status === 'pending' ? ' (will be retried)' : '';
    log(outcome.status === 'failed' ? 'error' : 'warn', `chunk ${chunk.chunkId} attempt ${chunk.attempts}${retry}: ${outcome.error}`, { table: name, chunkId: chunk.chunkId });
  };

  // Wakes the claim loop when a chunk finishes or a tick passes.
  let wake: () => void = () => {};
  const nap = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, tickMs).unref();
    });
  const inFlight = new Set<Promise<void>>();
  const loading = new Set<number>();
  const start = (chunk: ChunkRecord) => {
    const table = tables.get(chunk.tableOrdinal);
    if (!table) throw new Error(`run ${runId} has no table ${chunk.tableOrdinal}`);
    loading.add(chunk.chunkId);
    const task: Promise<void> = limit(() => onChunk(chunk, table))
      .catch((err: unknown) => log('error', `chunk ${chunk.chunkId}: ${errorMessage(err)}`, { chunkId: chunk.chunkId }))
      .finally(() => {
        loading.delete(chunk.chunkId);
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
  };

  let threadsDesired = config.parallel_threads;
  const report = async (now: number, rss: number): Promise<RunProgress> => {
    const progress = await getRunProgress(pool, schema, runId);
    rate.add(now, progress.rowsLoaded);
    emit('run/progress', {
      runId,
      rowsTotal: progress.rowsTotal,
      rowsLoaded: progress.rowsLoaded,
      chunksTotal: progress.chunksTotal,
      chunks: progress.chunks,
      rowsPerSecond: rate.rowsPerSecond(),
      etaSeconds: rate.etaSeconds(progress.rowsTotal - progress.rowsLoaded),
      threadsDesired,
      threadsEffective: limit.concurrency,
      rssMb: rss,
      peakRssMb,
    });
    return progress;
  };

  const tick = async (): Promise<RunProgress> => {
    const now = Date.now();
    const rss = currentRssMb();
    peakRssMb = Math.max(peakRssMb, rss);
    const beat = await heartbeatWorker(pool, schema, { workerId, runId, rssMb: rss, threads: limit.concurrency });
    if (!beat.alive) {
      log('error', 'another worker declared this one dead (heartbeat too late) and took its chunks back; stopping');
      stopping = true;
    }
    if (beat.stopRequested || beat.runStatus === 'abandoned') stopping = true;
    const orphans = await releaseOrphanedChunks(pool, schema, runId, workerId, [...loading, ...unrecorded.keys()]);
    if (orphans.length > 0) log('warn', `handed back chunk(s) ${orphans.join(', ')}: their claim's answer was lost with the connection`);
    const decision = guard.decide(rss, beat.parallelThreads, now);
    if (decision.threads !== limit.concurrency) limit.concurrency = decision.threads;
    if (decision.action) {
      emit('worker/memory', { rssMb: rss, limitMb: config.max_worker_memory_mb, threads: decision.threads, action: decision.action });
      log('warn', `RSS ${rss} MB of ${config.max_worker_memory_mb} MB: threads ${decision.action} to ${decision.threads}`);
    }
    if (now - lastReclaim >= 5 * tickMs) {
      lastReclaim = now;
      const reclaimed = await reclaimDeadWorkers(pool, schema, {
        runId,
        heartbeatTimeoutMs: config.worker_heartbeat_timeout_seconds * 1000,
        host,
        isPidAlive,
        maxAttempts: policy.maxAttempts,
      });
      if (reclaimed.deadWorkers.length > 0) {
        log('warn', `took back ${reclaimed.requeued} chunk(s) of dead worker(s) ${reclaimed.deadWorkers.join(', ')}${reclaimed.failed ? `; ${reclaimed.failed} had no attempt left and failed` : ''}`);
      }
    }
    threadsDesired = beat.parallelThreads;
    return report(now, rss);
  };


  let lastTick = Date.now();
  await tick();
  try {
    while (!stopping && !options.stopSignal.aborted && !options.abortSignal.aborted) {
      if (Date.now() - lastTick >= tickMs) {
        lastTick = Date.now();
        await tolerate('heartbeat', async () => (await recordPending(), tick()));
        continue;
      }
      if (inFlight.size < limit.concurrency && outageSince === undefined) {
        const chunk = await tolerate('claiming a chunk', () => claimChunk(pool, schema, runId, workerId));
        if (chunk) {
          start(chunk);
          continue;
        }
        // Nothing to claim now: finished when no chunk is pending or loading anywhere.
        if (chunk === null && inFlight.size === 0 && unrecorded.size === 0) {
          const now = await tolerate('reading progress', () => getRunProgress(pool, schema, runId));
          if (now && now.chunks.pending === 0 && now.chunks.in_progress === 0) break;
        }
      }
      await nap();
    }
    await Promise.all(inFlight);
  } finally {
    await markWorkerStopped(pool, schema, workerId).catch(() => undefined);
  }

  const progress = await report(Date.now(), currentRssMb());
  // Tables completed by a worker that died before adding their primary key.
  for (const record of await getRunTables(pool, schema, runId)) {
    const table = tables.get(record.tableOrdinal);
    if (table && record.status === 'completed' && record.createdTable && !record.finalizedAt) await finalize(table);
    const stripped = strippedNulsNote(record);
    if (stripped) log('warn', stripped, { table: `${record.targetSchema}.${record.targetTable}` });
  }
  const unfinished = progress.chunks.pending + progress.chunks.in_progress;
  const othersRunning = (await listWorkers(pool, schema, runId)).some((w) => w.status === 'running' && w.workerId !== workerId);
  if (unfinished > 0 && othersRunning) {
    // Other workers carry on with the run; it is theirs to close.
    return { status: 'in_progress', rowsLoaded: progress.rowsLoaded, failedChunks: progress.chunks.failed, peakRssMb, cpuMicros: cpuMicros() };
  }
  // A stop asked of this worker alone (Ctrl-C, the editor closing) stops the run too.
  if (unfinished > 0 && options.stopSignal.aborted) await requestStop(pool, schema, runId);
  const outcome = await withClient(session, (client) => finishRun(client, schema, runId));
  // No chunk of the run is loading now: files left by crashed attempts go.
  if (extract.kind === 'unload') await sweepRunStage(session.source, config, runId).catch((err: unknown) => log('warn', `could not remove the run's stage files: ${errorMessage(err)}`));
  return { status: outcome.run.status, rowsLoaded: progress.rowsLoaded, failedChunks: outcome.chunksFailed, peakRssMb, cpuMicros: cpuMicros() };
}
