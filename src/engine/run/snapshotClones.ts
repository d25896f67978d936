// A run's snapshot as its plan pinned it: how chunks read it (Time Travel or zero-copy clones), and
// the clones' life. They are created at plan time, read by every chunk instead of the table, and
// dropped when the run completes or is abandoned. Recorded in the run's options, so any worker,
// on any host, reads the same clones.
import { errorMessage } from '../errors';
import { createClone, describeTable, dropClone, type SnowflakeSource, type SourceTable } from '../source';
import { chooseSnapshot, type SnapshotChoice } from '../plan/snapshotChoice';
import type { PlannedRun } from '../plan/planRun';
import type { RunEstimate } from '../plan/estimate';
import type { Session } from '../session';
import type { RunRecord } from '../state';

export interface RunClone {
  tableOrdinal: number;
  clone: SourceTable;
}

/** `options.snapshot` of a run whose plan pinned a snapshot. */
export interface StoredSnapshot extends SnapshotChoice {
  clones: RunClone[];
}

export function storedSnapshotOf(run: RunRecord): StoredSnapshot | undefined {
  return run.options.snapshot as StoredSnapshot | undefined;
}

/** Snowflake allows 255 characters in an identifier; the run id makes the name unique. */
const MAX_TABLE_PART = 200;

/** `<TABLE>_THAW_<RUN ID>`, in the configured clone schema or next to the table. */
export function cloneNameFor(runId: string, table: SourceTable, cloneSchema: string | null): SourceTable {
  return {
    database: table.database,
    schema: cloneSchema ?? table.schema,
    table: `${table.table.slice(0, MAX_TABLE_PART)}_THAW_${runId.replaceAll('-', '_').toUpperCase()}`,
  };
}

/**
 * Chooses how the run reads its snapshot from the tables' retention and the estimate, and makes
 * the clones when that is the choice. A clone that fails removes those made before it.
 */
export async function pinSnapshot(session: Session, plan: PlannedRun, runId: string, estimate: RunEstimate): Promise<StoredSnapshot | undefined> {
  const { snapshot } = plan;
  if (!snapshot) return undefined;
  const retentions = plan.tables.map((t) => {
    if (t.retentionDays === undefined) throw new Error(`pinSnapshot: ${describeTable(t.sourceTable)} was planned at a snapshot without reading its retention`);
    return { table: `${t.sourceTable.schema}.${t.sourceTable.table}`, days: t.retentionDays };
  });
  const choice = chooseSnapshot(session.config.snapshot, estimate.seconds, retentions);
  if (choice.mode !== 'clone') return { ...choice, clones: [] };
  const clones: RunClone[] = [];
  try {
    for (const [index, t] of plan.tables.entries()) {
      const clone = cloneNameFor(runId, t.sourceTable, session.config.snapshot_clone_schema);
      await createClone(session.source, clone, t.sourceTable, snapshot);
      clones.push({ tableOrdinal: index + 1, clone });
    }
  } catch (err) {
    await dropClones(session.source, clones);
    throw err;
  }
  return { ...choice, clones };
}

/** Drops the clones; returns those that could not be dropped, each with its cause. */
export async function dropClones(source: SnowflakeSource, clones: readonly RunClone[]): Promise<string[]> {
  const left: string[] = [];
  for (const { clone } of clones) {
    try {
      await dropClone(source, clone);
    } catch (err) {
      left.push(`${describeTable(clone)} (${errorMessage(err)})`);
    }
  }
  return left;
}

/**
 * Drops a finished run's clones. A clone that stays is never an error of the run: the answer is
 * a warning naming it, or null when nothing is left behind.
 */
export async function releaseRunClones(source: SnowflakeSource, run: RunRecord): Promise<string | null> {
  const clones = storedSnapshotOf(run)?.clones ?? [];
  if (clones.length === 0) return null;
  const left = await dropClones(source, clones);
  return left.length > 0 ? `run ${run.runId} is ${run.status} but its snapshot clones could not be dropped; drop them by hand: ${left.join('; ')}` : null;
}

/**
 * Drops an abandoned run's clones through a Snowflake connection opened for it (commands that
 * abandon a run otherwise need PostgreSQL alone). When Snowflake cannot be reached, the warning
 * names the clones to drop by hand.
 */
export async function releaseAbandonedClones(run: RunRecord, open: () => Promise<Session>): Promise<string | null> {
  const clones = storedSnapshotOf(run)?.clones ?? [];
  if (clones.length === 0) return null;
  let session: Session;
  try {
    session = await open();
  } catch (err) {
    return `run ${run.runId}'s snapshot clones were not dropped (${errorMessage(err)}); drop them by hand: ${clones.map((c) => describeTable(c.clone)).join(', ')}`;
  }
  try {
    return await releaseRunClones(session.source, run);
  } finally {
    await session.close();
  }
}
