// Milestones of one table of a run that the runner must not repeat on resume.
import { statusTables, type Queryable } from './db';

/** The target table was emptied for this run (truncate_onstart), removing `rows` rows. */
export async function markTableTruncated(db: Queryable, schema: string, runId: string, tableOrdinal: number, rows: number): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET truncated_at = now(), truncated_rows = $3 WHERE run_id = $1 AND table_ordinal = $2`, [
    runId,
    tableOrdinal,
    rows,
  ]);
}

/** The primary key was added and the table analyzed after its full load. */
export async function markTableFinalized(db: Queryable, schema: string, runId: string, tableOrdinal: number): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET finalized_at = now(), finalize_error = NULL WHERE run_id = $1 AND table_ordinal = $2`, [
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

/** The primary key (or ANALYZE) failed after the full load: the run cannot be `completed` until a resume adds it. */
export async function markTableFinalizeFailed(db: Queryable, schema: string, runId: string, tableOrdinal: number, error: string): Promise<void> {
  await db.query(`UPDATE ${statusTables(schema).tables} SET finalize_error = $3 WHERE run_id = $1 AND table_ordinal = $2`, [
    runId,
    tableOrdinal,
    error,
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
