// How long a run of this config should take: its rows at the speed of the newest completed run.
import type { Session } from '../session';
import { getRunTables, listRuns, statusSchemaExists } from '../state';

export interface RunEstimate {
  /** null when no earlier completed run of this config measured a speed. */
  seconds: number | null;
  basis: string;
}

/** Rows per second of the newest completed run of this config. */
async function earlierRate(session: Session): Promise<{ rate: number; runId: string } | null> {
  if (!(await statusSchemaExists(session.pool, session.statusSchema))) return null;
  const runs = await listRuns(session.pool, session.statusSchema, { configHash: session.configHash, limit: 20 });
  for (const run of runs) {
    if (run.status !== 'completed' || !run.startedAt || !run.finishedAt) continue;
    const seconds = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
    const loaded = (await getRunTables(session.pool, session.statusSchema, run.runId)).reduce((n, t) => n + t.rowsLoaded, 0);
    if (seconds > 0 && loaded > 0) return { rate: loaded / seconds, runId: run.runId };
  }
  return null;
}

export async function estimateRun(session: Session, totalRows: number): Promise<RunEstimate> {
  const basis = await earlierRate(session);
  return basis
    ? { seconds: Math.ceil(totalRows / basis.rate), basis: `at ${Math.round(basis.rate).toLocaleString('en-US')} rows/s, the speed of run ${basis.runId}` }
    : { seconds: null, basis: 'no earlier completed run of this config to measure speed from' };
}
