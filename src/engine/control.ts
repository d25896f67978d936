// Quick operations on a run through the status tables: they work whichever process (or host)
// executes the run, since every worker follows the run's row on each heartbeat.
import type { ParamsOf, Requests, ResultOf, WorkerSummary } from '../protocol/engine';
import { RefusedError } from './errors';
import { replanUnclaimedChunks } from './plan/replan';
import { sweepAbandonedRun } from './run/extractPath';
import { findRunFor, requireSameDefinitions } from './run/resumeRun';
import { withClient, type PgSession, type Session } from './session';
import {
  abandonRun,
  getRunProgress,
  getRunTables,
  listChunks,
  readWorkerSummaries,
  requestStop as requestStopInDb,
  setTunables,
  type ChunkRecord,
  type ReleasedChunk,
  type RunProgressSummary,
  type RunRecord,
  type TableRecord,
} from './state';

export async function requestStop(session: PgSession, runId: string | undefined): Promise<{ runId: string }> {
  const run = await findRunFor(session, runId);
  if (run.status !== 'in_progress' && run.status !== 'pending') {
    throw new RefusedError(`run ${run.runId} is ${run.status}; there is nothing to stop`, { runId: run.runId });
  }
  await requestStopInDb(session.pool, session.statusSchema, run.runId);
  return { runId: run.runId };
}

/**
 * Closes a run for good, and removes its stage files (unload path) when Snowflake can be reached;
 * `stageFilesLeft` says what remains when it cannot. `released` are the chunks it took back from
 * the workers loading them.
 */
export async function abandon(session: PgSession, runId: string | undefined): Promise<{ runId: string; released: ReleasedChunk[]; stageFilesLeft?: string }> {
  const run = await findRunFor(session, runId);
  const { released } = await withClient(session, (client) => abandonRun(client, session.statusSchema, run.runId));
  const left = await sweepAbandonedRun(session, run.runId);
  return { runId: run.runId, released, ...(left ? { stageFilesLeft: left } : {}) };
}

export async function tuneRun(
  session: Session,
  params: ParamsOf<typeof Requests.tune>,
): Promise<ResultOf<typeof Requests.tune>> {
  if (params.threads === undefined && params.batchSize === undefined) throw new RefusedError('nothing to tune: give --threads and/or --batch-size');
  const run = await findRunFor(session, params.runId);
  requireSameDefinitions(session, run);
  if (run.status === 'completed' || run.status === 'abandoned') throw new RefusedError(`run ${run.runId} is ${run.status}`, { runId: run.runId });
  const updated = await setTunables(session.pool, session.statusSchema, run.runId, { parallelThreads: params.threads, batchSize: params.batchSize });
  const replannedChunks =
    params.batchSize !== undefined && params.batchSize !== run.batchSize ? await replanUnclaimedChunks(session, updated, params.batchSize) : 0;
  return { runId: run.runId, threads: updated.parallelThreads, batchSize: updated.batchSize, replannedChunks };
}

export interface RunStatusReport {
  run: RunRecord;
  progress: RunProgressSummary;
  tables: TableRecord[];
  failedChunks: ChunkRecord[];
  /** Every worker of the run, with its own rate. */
  workers: WorkerSummary[];
}

export async function runStatus(session: PgSession, runId: string | undefined): Promise<RunStatusReport> {
  const run = await findRunFor(session, runId, { newestIfNoneOpen: true });
  const { pool, statusSchema } = session;
  const [progress, tables, failedChunks, workers] = await Promise.all([
    getRunProgress(pool, statusSchema, run.runId, session.config.worker_heartbeat_timeout_seconds),
    getRunTables(pool, statusSchema, run.runId),
    listChunks(pool, statusSchema, run.runId, { status: 'failed', limit: 20 }),
    readWorkerSummaries(pool, statusSchema, run.runId),
  ]);
  return { run, progress, tables, failedChunks, workers };
}
