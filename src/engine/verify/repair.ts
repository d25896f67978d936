// `thaw verify --repair`: the mismatching partitions are reloaded by a run of their own. Its
// chunks cover exactly those partitions (NULL split values included) at a fresh snapshot; the
// partitions' rows are deleted from the target in the transaction that starts the run, and the
// run then loads each chunk exactly once like any other (resumable with `thaw resume`).
import pg from 'pg';
import { RefusedError } from '../errors';
import { planTable, type PlannedTable } from '../plan/planRun';
import { withClient, type Session } from '../session';
import { readSourceTime, type PlanPart } from '../source';
import { abandonRun, createRun, findOpenRun, startRun, statusSchemaExists } from '../state';
import { inTransaction } from '../state/db';
import { qualifiedName } from '../target';
import { snapshotToDate } from '../run/snapshot';
import type { TableVerification, Verification } from './verifyTables';

function partsOf(t: TableVerification): PlanPart[] {
  return t.mismatches.map((p) => ({ partitionIsNull: p.partitionIsNull, partitionValue: p.partitionValue, splitFrom: null }));
}

/** DELETE of one mismatching partition's target rows (every row without partition column). */
function deletePartition(planned: PlannedTable, part: PlanPart): { sql: string; values: unknown[] } {
  const name = qualifiedName(planned.config.target_schema, planned.config.target_table);
  const column = planned.config.partition_column;
  if (!column) return { sql: `DELETE FROM ${name}`, values: [] };
  const mapping = planned.mappings.find((m) => m.source.name === column)!;
  const c = pg.escapeIdentifier(mapping.targetName);
  if (part.partitionIsNull) return { sql: `DELETE FROM ${name} WHERE ${c} IS NULL`, values: [] };
  return { sql: `DELETE FROM ${name} WHERE ${c} = CAST($1 AS ${mapping.targetType})`, values: [part.partitionValue] };
}

/**
 * Plans and starts the repair run (returns its id), or returns null when there is nothing to
 * repair. Refused while another run of this config is open: the two would load the same rows.
 */
export async function startRepairRun(session: Session, verification: Verification): Promise<string | null> {
  const broken = verification.tables.filter((t) => t.mismatches.length > 0);
  if (broken.length === 0) return null;
  const { pool, statusSchema, config } = session;
  if (await statusSchemaExists(pool, statusSchema)) {
    const open = await findOpenRun(pool, statusSchema, session.configHash);
    // A repair planned by an earlier `verify --repair` that died before starting it deleted nothing yet.
    if (open?.status === 'pending' && open.options.repair) await withClient(session, (c) => abandonRun(c, statusSchema, open.runId, 'replaced by a newer repair'));
    else if (open) {
      throw new RefusedError(`run ${open.runId} of this config is ${open.status}: finish it (thaw resume) or abandon it before repairing`, { runId: open.runId });
    }
  }
  const snapshot = config.consistent_snapshot ? await readSourceTime(session.source) : undefined;
  const planned: Array<{ plan: PlannedTable; parts: PlanPart[] }> = [];
  for (const t of broken) {
    const parts = partsOf(t);
    planned.push({ plan: await planTable(session, t.table, config.tables.indexOf(t.table), config.batch_size, snapshot, parts), parts });
  }
  return withClient(session, async (client) => {
    const run = await createRun(client, statusSchema, {
      configHash: session.configHash,
      configPath: session.configPath,
      snapshotAt: snapshot ? snapshotToDate(snapshot) : null,
      parallelThreads: config.parallel_threads,
      batchSize: config.batch_size,
      options: { append: true, identity: session.loaded.identity, repair: { verifyId: verification.verifyId } },
      tables: planned.map(({ plan }) => ({
        sourceTable: plan.config.source_table,
        targetSchema: plan.config.target_schema,
        targetTable: plan.config.target_table,
        partitionColumn: plan.config.partition_column,
        splitColumn: plan.config.split_column,
        primaryKey: plan.config.primary_key,
        columnMappings: plan.mappings,
        createdTable: false,
        chunks: plan.chunks,
      })),
    });
    await inTransaction(client, async () => {
      for (const { plan, parts } of planned) {
        for (const part of parts) {
          const { sql, values } = deletePartition(plan, part);
          await client.query(sql, values);
        }
      }
      await startRun(client, statusSchema, run.runId);
      await client.query(`UPDATE ${pg.escapeIdentifier(statusSchema)}.migration_verifications SET repair_run_id = $2 WHERE verify_id = $1`, [
        verification.verifyId,
        run.runId,
      ]);
    });
    return run.runId;
  });
}
