// A run that reads its snapshot through Time Travel can go on only while every table still keeps
// that instant (DATA_RETENTION_TIME_IN_DAYS, counted on Snowflake's clock). Past that, every chunk
// would fail: the run is refused up front, before a chunk is claimed, with what to do instead.
import { RefusedError } from '../errors';
import { describeTable, readRetentionDays, readSourceTime } from '../source';
import type { Session } from '../session';
import type { RunRecord, TableRecord } from '../state';
import { configTableOf, sourceTableOf } from './runTables';
import { storedSnapshotOf } from './snapshotClones';
import { snapshotToDate } from './snapshot';

const DAY_MS = 86_400_000;

/**
 * Checked wherever a run is about to execute chunks (a stored plan's start, resume, a joining
 * worker), before anything about the run changes. `records`: the run's tables. Runs that read
 * clones, or no snapshot, always pass.
 */
export async function requireSnapshotReadable(session: Session, run: RunRecord, records: readonly TableRecord[]): Promise<void> {
  if (!run.snapshotAt || (storedSnapshotOf(run)?.clones.length ?? 0) > 0) return;
  const ageMs = snapshotToDate(await readSourceTime(session.source)).getTime() - run.snapshotAt.getTime();
  for (const table of records.map((record) => sourceTableOf(session.config.source.database, configTableOf(session, record)))) {
    const days = await readRetentionDays(session.source, table);
    if (ageMs < days * DAY_MS) continue;
    const hours = (ageMs / 3_600_000).toFixed(1);
    throw new RefusedError(
      `run ${run.runId} reads ${describeTable(table)} through Time Travel as of ${run.snapshotAt.toISOString()}, ${hours} hours ago, ` +
        `but the table keeps Time Travel for ${days} day(s) (DATA_RETENTION_TIME_IN_DAYS): Snowflake can no longer read that snapshot, ` +
        `so every chunk would fail; no chunk was run. Abandon the run (thaw abandon --run ${run.runId}) and start a new one ` +
        `(with "truncate_onstart": true, as the target holds this run's rows) with "snapshot": "clone" in the config: ` +
        `it then reads a zero-copy clone that does not expire however long it is paused`,
      { runId: run.runId, table: describeTable(table) },
    );
  }
}
