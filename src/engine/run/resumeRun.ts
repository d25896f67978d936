// `thaw resume` and `thaw retry`: continue an existing run. Completed chunks are never loaded
// again; failed ones are re-queued (all of them on resume, the chosen ones on retry); chunks of
// dead workers are taken back by the executor. A resume never truncates.
import { describeIdentityChanges, type ConfigIdentity } from '../config';
import { RefusedError } from '../errors';
import type { PreparedRun } from './preparedRun';
import type { PgSession, Session } from '../session';
import {
  findOpenRun,
  getChunk,
  getRun,
  getRunTables,
  listRuns,
  markTableCreated,
  retryChunks,
  startRun,
  statusSchemaExists,
  type RequeuedChunk,
  type RunRecord,
} from '../state';
import { createTargetTable, tableExists } from '../target';
import { loadRunTables, recordRunFailure } from './startRun';
import { requireSnapshotReadable } from './snapshotGuard';

export interface ResumeOptions {
  runId?: string;
  requeue: { allFailed?: boolean; chunkId?: number; chunkIds?: number[]; table?: string; tableOrdinal?: number };
  queueOnly?: boolean;
}

/**
 * The run a command acts on: the one named, else the newest unfinished run of this config (or,
 * with `newestIfNoneOpen`, its newest run of all).
 */
export async function findRunFor(session: PgSession, runId: string | undefined, options: { newestIfNoneOpen?: boolean } = {}): Promise<RunRecord> {
  const { pool, statusSchema, configHash } = session;
  if (!(await statusSchemaExists(pool, statusSchema))) {
    throw new RefusedError(`no run of any config yet: the status schema ${statusSchema} does not exist (start one with "thaw start")`);
  }
  const run = runId
    ? await getRun(pool, statusSchema, runId)
    : ((await findOpenRun(pool, statusSchema, configHash)) ??
      (options.newestIfNoneOpen ? ((await listRuns(pool, statusSchema, { configHash, limit: 1 }))[0] ?? null) : null));
  if (!run) throw new RefusedError(runId ? `run ${runId} does not exist` : 'no unfinished run of this config: start one with "thaw start"', { runId });
  return run;
}

/** Refuses to act on a run with this config when the run's table definitions were different. */
export function requireSameDefinitions(session: PgSession, run: RunRecord): void {
  if (run.configHash === session.configHash) return;
  const before = run.options.identity as ConfigIdentity | undefined;
  const changes = before ? describeIdentityChanges(before, session.loaded.identity) : ['(the run does not record its definitions)'];
  throw new RefusedError(
    `run ${run.runId} was started with other table definitions than ${session.configPath} has now:\n  ${changes.join('\n  ')}\nRestore them to continue this run, or abandon it and start a new one`,
    { runId: run.runId },
  );
}

async function tableOrdinalOf(session: PgSession, runId: string, name: string): Promise<number> {
  const tables = await getRunTables(session.pool, session.statusSchema, runId);
  const lower = name.toLowerCase();
  const found = tables.find(
    (t) => t.sourceTable.toLowerCase() === lower || `${t.targetSchema}.${t.targetTable}` === lower || t.targetTable === lower,
  );
  if (!found) throw new RefusedError(`run ${runId} has no table ${name} (it has ${tables.map((t) => t.sourceTable).join(', ')})`, { runId });
  return found.tableOrdinal;
}

export async function prepareResume(session: Session, options: ResumeOptions): Promise<PreparedRun & { requeued: RequeuedChunk[]; queueOnly?: boolean }> {
  const { pool, statusSchema } = session;
  const run = await findRunFor(session, options.runId);
  requireSameDefinitions(session, run);
  if (run.status === 'pending') throw new RefusedError(`run ${run.runId} is planned but was never started: start it with "thaw start"`, { runId: run.runId });
  if (run.status === 'completed' || run.status === 'abandoned') {
    throw new RefusedError(`run ${run.runId} is ${run.status}; there is nothing to resume`, { runId: run.runId });
  }
  // Queueing chunks into a run that executes elsewhere reads no Snowflake; the run's workers do.
  if (!options.queueOnly) {
    await requireSnapshotReadable(session, run, await getRunTables(pool, statusSchema, run.runId));
  }

  const { requeue } = options;
  if (requeue.chunkId !== undefined) {
    const chunk = await getChunk(pool, statusSchema, run.runId, requeue.chunkId);
    if (!chunk) throw new RefusedError(`run ${run.runId} has no chunk ${requeue.chunkId}`, { runId: run.runId, chunkId: requeue.chunkId });
    if (chunk.status === 'completed') {
      throw new RefusedError(`chunk ${requeue.chunkId} is completed; loading it again would duplicate its rows`, { runId: run.runId, chunkId: requeue.chunkId });
    }
  }
  const tableOrdinal = requeue.tableOrdinal ?? (requeue.table ? await tableOrdinalOf(session, run.runId, requeue.table) : undefined);
  const requeued =
    requeue.allFailed || requeue.chunkId !== undefined || requeue.chunkIds !== undefined || tableOrdinal !== undefined
      ? await retryChunks(pool, statusSchema, { runId: run.runId, chunkId: requeue.chunkId, chunkIds: requeue.chunkIds, tableOrdinal })
      : [];
  if (options.queueOnly) {
    return { runId: run.runId, tables: new Map(), snapshot: undefined, chunks: 0, rows: 0, resumed: true, requeued, queueOnly: true };
  }
  await startRun(pool, statusSchema, run.runId);
  try {
    await createMissingTargets(session, run.runId);
    return { ...(await loadRunTables(session, run.runId)), resumed: true, requeued };
  } catch (err) {
    throw await recordRunFailure(session, run.runId, err);
  }
}

/**
 * Creates the target tables the run was to create but did not (its start failed before it got
 * to them), as `thaw start` would have. Tables that exist are left as they are: resume never
 * truncates.
 */
async function createMissingTargets(session: PgSession, runId: string): Promise<void> {
  const { pool, statusSchema } = session;
  for (const record of await getRunTables(pool, statusSchema, runId)) {
    if (await tableExists(pool, record.targetSchema, record.targetTable)) continue;
    if (record.completedChunks > 0) {
      throw new RefusedError(
        `target table ${record.targetSchema}.${record.targetTable} of run ${runId} is gone although ${record.completedChunks} chunk(s) were loaded into it; abandon the run and start a new one`,
        { runId, table: `${record.targetSchema}.${record.targetTable}` },
      );
    }
    await createTargetTable(pool, record.targetSchema, record.targetTable, record.columnMappings);
    await markTableCreated(pool, statusSchema, runId, record.tableOrdinal);
  }
}
