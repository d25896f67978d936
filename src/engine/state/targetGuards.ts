// Truncation protection: before a run empties a target table, no other open run may be loading
// into it (or have loaded into it and still be resumable). A stored plan (`pending`: `thaw plan`
// and nobody started it) has written nothing and holds no table: it never blocks another run, and
// when it is started later its own guards look at the target as it is then.
import { OPEN_RUN_STATES } from './states';
import { statusTables, type Queryable } from './db';
import type { RunState } from './states';

/** Open runs that have started, and so may have rows in their targets or be loading now. */
const WRITING_RUN_STATES: readonly RunState[] = OPEN_RUN_STATES.filter((s) => s !== 'pending');

export interface OtherWriter {
  runId: string;
  runStatus: RunState;
  configHash: string;
  sourceTable: string;
}

/** Started open runs other than `runId` with a table loading into targetSchema.targetTable (exact names). */
export async function findOtherWriters(
  db: Queryable,
  schema: string,
  target: { runId: string; targetSchema: string; targetTable: string },
): Promise<OtherWriter[]> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `SELECT r.run_id, r.status, r.config_hash, tb.source_table
     FROM ${t.tables} tb JOIN ${t.runs} r ON r.run_id = tb.run_id
     WHERE tb.target_schema = $1 AND tb.target_table = $2 AND r.run_id <> $3 AND r.status = ANY($4)
     ORDER BY r.created_at, r.run_id`,
    [target.targetSchema, target.targetTable, target.runId, WRITING_RUN_STATES],
  );
  return rows.map((r) => ({ runId: r.run_id, runStatus: r.status, configHash: r.config_hash, sourceTable: r.source_table }));
}
