// `thaw tune --batch-size`: tables whose chunks have not been touched yet are planned again with
// the new size, at the run's snapshot; tables already under way keep their chunks (their rows are
// partly loaded under the old boundaries, and re-cutting those would risk double loads).
import { planChunks } from '../source';
import { getRunTables, replaceUnclaimedChunks, type RunRecord } from '../state';
import { loadRunTables, withClient } from '../run/startRun';
import type { Session } from '../session';

/** Returns the number of chunks the re-planned tables have now. */
export async function replanUnstartedTables(session: Session, run: RunRecord, batchSize: number): Promise<number> {
  const { pool, statusSchema } = session;
  const records = await getRunTables(pool, statusSchema, run.runId);
  const prepared = await loadRunTables(session, run.runId);
  let replanned = 0;
  for (const record of records) {
    // Never claimed: the first claim starts a table. The replacement re-checks under lock.
    if (record.status !== 'pending' || record.startedAt !== null) continue;
    const table = prepared.tables.get(record.tableOrdinal)!;
    const chunks = await planChunks(session.source, table.sourceTable, {
      partition: table.partition,
      split: table.split,
      batchSize,
      snapshot: prepared.snapshot,
    });
    if (await withClient(session, (client) => replaceUnclaimedChunks(client, statusSchema, run.runId, record.tableOrdinal, chunks))) {
      replanned += chunks.length;
    }
  }
  return replanned;
}
