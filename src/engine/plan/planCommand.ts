// `thaw plan`: plans the run, stores it as a `pending` run that `thaw start` will begin as shown,
// and reports tables, chunks, rows, type decisions and an estimate from earlier runs' speed.
import type { PlanReport, TablePlanReport } from '../../protocol/engine';
import { RefusedError } from '../errors';
import { withClient, type Session } from '../session';
import { abandonRun, findOpenRun, statusSchemaExists } from '../state';
import { describeTable } from '../source';
import { releaseRunClones } from '../run/snapshotClones';
import { checkTargetPrivileges, tableExists } from '../target';
import { storePlan } from '../run/startRun';
import { planRun, type PlannedTable } from './planRun';

async function tableReport(session: Session, t: PlannedTable, tableOrdinal: number): Promise<TablePlanReport> {
  return {
    tableOrdinal,
    sourceTable: `${t.sourceTable.schema}.${t.sourceTable.table}`,
    target: `${t.config.target_schema}.${t.config.target_table}`,
    rows: t.totalRows,
    chunks: t.chunks.length,
    largestChunkRows: Math.max(0, ...t.chunks.map((c) => c.rows)),
    nullPartitionChunks: t.chunks.filter((c) => c.partitionIsNull).length,
    nullSplitChunks: t.chunks.filter((c) => c.splitIsNull).length,
    targetExists: await tableExists(session.pool, t.config.target_schema, t.config.target_table),
    ...(t.watermark ? { watermark: t.watermark } : {}),
    columns: t.mappings.map((m) => ({
      source: m.source.name,
      sourceType: m.source.type === 'NUMBER' ? `NUMBER(${m.source.precision},${m.source.scale})` : m.source.type,
      target: m.targetName,
      targetType: m.targetType,
      reason: m.reason,
      warnings: m.warnings,
    })),
  };
}

export async function planAndReport(session: Session): Promise<PlanReport> {
  const { pool, statusSchema, configHash } = session;
  const hasStatus = await statusSchemaExists(pool, statusSchema);
  const open = hasStatus ? await findOpenRun(pool, statusSchema, configHash) : null;
  if (open && open.status !== 'pending') {
    throw new RefusedError(`run ${open.runId} of this config is ${open.status}: resume it or abandon it before planning a new one`, { runId: open.runId });
  }
  await checkTargetPrivileges(pool, session.config);
  const plan = await planRun(session);
  // The newest plan replaces an older one nobody started, and its snapshot clones.
  const warnings: string[] = [];
  if (open) {
    const replaced = await withClient(session, (client) => abandonRun(client, statusSchema, open.runId, 'replaced by a newer plan'));
    const left = await releaseRunClones(session.source, replaced.run);
    if (left) warnings.push(left);
  }
  // Tables get ordinals 1..n in plan order (createRun): the report's tableOrdinal names the same table.
  const { runId, estimate, snapshot } = await storePlan(session, plan, { append: false });
  const tables = await Promise.all(plan.tables.map((t, index) => tableReport(session, t, index + 1)));
  const totalRows = tables.reduce((n, t) => n + t.rows, 0);
  return {
    runId,
    configHash,
    sourceTime: plan.snapshot ?? null,
    tables,
    totalRows,
    totalChunks: tables.reduce((n, t) => n + t.chunks, 0),
    estimateSeconds: estimate.seconds,
    estimateBasis: estimate.basis,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(snapshot
      ? {
          snapshot: {
            mode: snapshot.mode,
            reason: snapshot.reason,
            retentionDays: snapshot.retentionDays,
            retentionTable: snapshot.retentionTable,
            clones: snapshot.clones.map((c) => describeTable(c.clone)),
          },
        }
      : {}),
  };
}
