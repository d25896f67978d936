// `thaw worker`: one more process on a run that is already in progress, from this machine or any
// other that reaches both databases. It takes what the run's start prepared (tables, snapshot,
// chunks) and only claims chunks: it never plans, re-queues failed chunks, creates, truncates or
// restarts anything, so any number of workers can join and leave without changing the run.
import { RefusedError } from '../errors';
import type { Session } from '../session';
import { getRunTables, type RunRecord } from '../state';
import type { PreparedRun } from './preparedRun';
import { findRunFor, requireSameDefinitions } from './resumeRun';
import { requireSnapshotReadable } from './snapshotGuard';
import { loadRunTables } from './startRun';

/** A run to execute, or the run already completed: a worker that comes late has nothing to do, and that is success. */
export type JoinedRun = PreparedRun | { runId: string; closed: 'completed' };

export async function prepareJoin(session: Session, runId: string | undefined): Promise<JoinedRun> {
  // Without --run, the config's open run; when there is none, its newest, so that a worker started
  // after the others finished (a Kubernetes pod restarted late) ends cleanly.
  const run = await findRunFor(session, runId, { newestIfNoneOpen: true });
  requireSameDefinitions(session, run);
  if (run.status === 'completed') return { runId: run.runId, closed: 'completed' };
  if (run.status !== 'in_progress') throw new RefusedError(notJoinable(run), { runId: run.runId });
  // A joining worker is refused up front like a resume: past the retention every chunk would fail.
  await requireSnapshotReadable(session, run, await getRunTables(session.pool, session.statusSchema, run.runId));
  return { ...(await loadRunTables(session, run.runId)), resumed: true, joined: true };
}

function notJoinable(run: RunRecord): string {
  switch (run.status) {
    case 'pending':
      return `run ${run.runId} is planned but was never started: start it with "thaw start" (on any machine), then workers can join it`;
    case 'abandoned':
      return `run ${run.runId} is abandoned; there is nothing to join`;
    default:
      return `run ${run.runId} is ${run.status}${run.error ? ` (${run.error})` : ''}: workers join a run in progress; continue it with "thaw resume --run ${run.runId}", then workers can join it`;
  }
}
