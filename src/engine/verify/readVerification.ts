// Reads a stored `thaw verify` back (sql/views/verification.sql): what the editor's panel shows
// for a run, whichever process verified it.
import { sqlFiles } from '../../generated/sql';
import { VERIFY_MISMATCHES_LISTED, type VerifyMismatch, type VerifyResult } from '../../protocol/engine';
import type { Queryable } from '../state/db';
import { withStatusSchema } from '../state/migrate';

/** SQLSTATE of a missing relation: this status schema has never stored a verification. */
const UNDEFINED_TABLE = '42P01';

interface Row {
  verify_id: string;
  config_hash: string;
  started_at: Date;
  finished_at: Date;
  equal: boolean;
  repair_run_id: string | null;
  source_table: string | null;
  target_schema: string | null;
  target_table: string | null;
  partitions: string;
  equal_partitions: string;
  source_rows: string;
  target_rows: string;
  mismatches: VerifyMismatch[];
}

export interface VerificationQuery {
  configHash: string;
  /** One that compared a table of this run. */
  runId?: string;
  /** This verification; absent: the newest. */
  verifyId?: string;
}

export async function readVerification(db: Queryable, schema: string, query: VerificationQuery): Promise<VerifyResult | null> {
  let rows: Row[];
  try {
    ({ rows } = await db.query<Row>(withStatusSchema(sqlFiles['views/verification.sql'], schema), [query.configHash, query.runId ?? null, query.verifyId ?? null]));
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return null;
    throw err;
  }
  const first = rows[0];
  if (!first) return null;
  return {
    verifyId: first.verify_id,
    configHash: first.config_hash,
    startedAt: first.started_at.toISOString(),
    finishedAt: first.finished_at.toISOString(),
    equal: first.equal,
    repairRunId: first.repair_run_id,
    tables: rows
      .filter((r) => r.target_table !== null)
      .map((r) => ({
        sourceTable: r.source_table!,
        targetSchema: r.target_schema!,
        targetTable: r.target_table!,
        partitions: Number(r.partitions),
        equalPartitions: Number(r.equal_partitions),
        sourceRows: Number(r.source_rows),
        targetRows: Number(r.target_rows),
        mismatches: r.mismatches.slice(0, VERIFY_MISMATCHES_LISTED).map((m) => ({ ...m, sourceRows: Number(m.sourceRows), targetRows: Number(m.targetRows) })),
      })),
  };
}
