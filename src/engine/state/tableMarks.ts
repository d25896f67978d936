// Milestones of one table of a run that the runner must not repeat on resume.
import { statusTables, type Queryable } from './db';

/** The target table was emptied for this run (truncate_onstart). */
export async function markTableTruncated(db: Queryable, schema: string, runId: string, tableOrdinal: number): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET truncated_at = now() WHERE run_id = $1 AND table_ordinal = $2`, [
    runId,
    tableOrdinal,
  ]);
}

/** The primary key was added and the table analyzed after its full load. */
export async function markTableFinalized(db: Queryable, schema: string, runId: string, tableOrdinal: number): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET finalized_at = now() WHERE run_id = $1 AND table_ordinal = $2`, [
    runId,
    tableOrdinal,
  ]);
}

/** Thaw created the target table for this run, so it adds the primary key after the full load. */
export async function markTableCreated(db: Queryable, schema: string, runId: string, tableOrdinal: number): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET created_table = true WHERE run_id = $1 AND table_ordinal = $2`, [
    runId,
    tableOrdinal,
  ]);
}

/** Adds warnings found after the plan (e.g. target columns whose type differs), each once. */
export async function addTableWarnings(db: Queryable, schema: string, runId: string, tableOrdinal: number, warnings: readonly string[]): Promise<void> {
  if (warnings.length === 0) return;
  await db.query(
    `UPDATE ${statusTables(schema).tables}
     SET warnings = warnings || ARRAY(SELECT w FROM unnest($3::text[]) AS w WHERE w <> ALL (warnings))
     WHERE run_id = $1 AND table_ordinal = $2`,
    [runId, tableOrdinal, warnings],
  );
}
