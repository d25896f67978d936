// `thaw start`: a new run of the config. Every refusal happens before anything is written (exit 2):
// an unfinished run of the same config, a non-empty target without truncate_onstart or --append,
// a truncation while another open run loads into that table, target columns that do not fit.
// Only then are the status tables, the run and the target tables written.
import type { ResolvedTable } from '../config';
import type { ColumnMapping } from '../types/model';
import { errorMessage, RefusedError, RunFailedError } from '../errors';
import { planRun, type PlannedRun } from '../plan/planRun';
import { checkColumnTypes, checkKeyNulls } from '../plan/preflight';
import type { PreparedRun, Truncation } from './preparedRun';
import { withClient, type PgSession, type Session } from '../session';
import {
  abandonRun,
  addTableWarnings,
  applyStatusSchema,
  createRun,
  failRun,
  findOpenRun,
  findOtherWriters,
  getRun,
  getRunTables,
  markTableCreated,
  markTableTruncated,
  startRun,
  statusSchemaExists,
  type RunRecord,
  type TableRecord,
} from '../state';
import { addPrimaryKeyAndAnalyze, checkTargetColumns, checkTargetPrivileges, createTargetTable, isTableEmpty, tableExists, truncateTable } from '../target';
import { applyDrift, checkSchemaDrift, type Drift } from '../schemaDrift/checkDrift';
import { runWatermarks, type TableWatermark } from '../incremental/watermark';
import { requireUniqueKey } from '../incremental/uniqueKey';
import { newRunId } from '../state/runId';
import { estimateRun, type RunEstimate } from '../plan/estimate';
import { buildRunTable, configTableOf, sourceTableOf, targetKeyOf, type RunTable } from './runTables';
import { snapshotOf, snapshotToDate } from './snapshot';
import { dropClones, pinSnapshot, storedSnapshotOf, type StoredSnapshot } from './snapshotClones';
import { requireSnapshotReadable } from './snapshotGuard';

interface TargetState {
  exists: boolean;
  empty: boolean;
}

async function checkTargets(session: Session, append: boolean, hasStatus: boolean, runId: string): Promise<Map<string, TargetState>> {
  const { pool, statusSchema } = session;
  const states = new Map<string, TargetState>();
  for (const table of session.config.tables) {
    const exists = await tableExists(pool, table.target_schema, table.target_table);
    const empty = !exists || (await isTableEmpty(pool, table.target_schema, table.target_table));
    if (exists && table.truncate_onstart && hasStatus) {
      const other = (await findOtherWriters(pool, statusSchema, { runId, targetSchema: table.target_schema, targetTable: table.target_table }))[0];
      if (other) {
        throw new RefusedError(
          `will not truncate ${table.name}: run ${other.runId} (${other.runStatus}) also loads into it; finish it (thaw resume --run ${other.runId}) or abandon it (thaw abandon --run ${other.runId}) first`,
          { table: table.name, runId: other.runId },
        );
      }
    }
    // An upsert table (insert_only_mode false) is meant to be loaded again: rows are merged.
    if (!empty && !table.truncate_onstart && !append && table.insert_only_mode) {
      throw new RefusedError(
        `target table ${table.name} already holds rows: set "truncate_onstart": true to empty it first, or pass --append to add to it`,
        { table: table.name },
      );
    }
    states.set(table.name, { exists, empty });
  }
  return states;
}

/** The incremental tables' watermarks, by target table name, as the run's options record them. */
function watermarksOf(plan: PlannedRun): Record<string, TableWatermark> {
  return Object.fromEntries(plan.tables.flatMap((t) => (t.watermark ? [[t.config.name, t.watermark]] : [])));
}

export interface StoredPlan {
  runId: string;
  estimate: RunEstimate;
  /** How chunks read the plan's snapshot (none without consistent_snapshot). */
  snapshot?: StoredSnapshot;
}

/**
 * Writes the plan as a `pending` run (creating the status tables if needed), after choosing how
 * its chunks read the snapshot and making the clones that choice needs.
 */
export async function storePlan(session: Session, plan: PlannedRun, options: { append: boolean }): Promise<StoredPlan> {
  const runId = newRunId();
  const estimate = await estimateRun(session, plan.tables.reduce((n, t) => n + t.totalRows, 0));
  const snapshot = await pinSnapshot(session, plan, runId, estimate);
  try {
    await createPlannedRun(session, plan, runId, options.append, snapshot);
  } catch (err) {
    if (snapshot) await dropClones(session.source, snapshot.clones);
    throw err;
  }
  return { runId, estimate, ...(snapshot ? { snapshot } : {}) };
}

async function createPlannedRun(session: Session, plan: PlannedRun, runId: string, append: boolean, snapshot: StoredSnapshot | undefined): Promise<void> {
  const { statusSchema, config } = session;
  await withClient(session, async (client) => {
    await applyStatusSchema(client, statusSchema);
    await createRun(client, statusSchema, {
      runId,
      configHash: session.configHash,
      configPath: session.configPath,
      snapshotAt: plan.snapshot ? snapshotToDate(plan.snapshot) : null,
      parallelThreads: config.parallel_threads,
      batchSize: config.batch_size,
      options: { append, identity: session.loaded.identity, watermarks: watermarksOf(plan), ...(snapshot ? { snapshot } : {}) },
      tables: plan.tables.map((t) => ({
        sourceTable: t.config.source_table,
        targetSchema: t.config.target_schema,
        targetTable: t.config.target_table,
        partitionColumn: t.config.partition_column,
        splitColumn: t.config.split_column,
        primaryKey: t.config.primary_key,
        columnMappings: t.mappings,
        createdTable: false,
        chunks: t.chunks,
      })),
    });
  });
}

export async function prepareNewRun(session: Session, options: { append: boolean }): Promise<PreparedRun> {
  const { pool, statusSchema, configHash } = session;
  const hasStatus = await statusSchemaExists(pool, statusSchema);
  let open = hasStatus ? await findOpenRun(pool, statusSchema, configHash) : null;
  // A repair `thaw verify --repair` planned but never started (it died first) is not this plan.
  if (open?.status === 'pending' && open.options.repair) {
    const stale = open.runId;
    await withClient(session, (client) => abandonRun(client, statusSchema, stale, 'an unstarted repair, replaced by a new run'));
    open = null;
  }
  if (open && open.status !== 'pending') {
    throw new RefusedError(
      `run ${open.runId} of this config is ${open.status}: continue it with "thaw resume" or close it with "thaw abandon --run ${open.runId}"`,
      { runId: open.runId },
    );
  }
  await checkTargetPrivileges(pool, session.config);
  // A run that `thaw plan` stored and nobody started yet is started as planned.
  const targets = await checkTargets(session, options.append, hasStatus, open?.runId ?? '');
  const drifts = new Map<string, Drift>();
  // Target columns whose type differs from the mapping, by table name: stored on the run's tables.
  const columnWarnings = new Map<string, string[]>();
  const checkColumns = async (tables: Array<{ target: ResolvedTable; mappings: ColumnMapping[] }>) => {
    for (const t of tables) {
      if (!targets.get(t.target.name)!.exists) continue;
      drifts.set(t.target.name, await checkSchemaDrift(pool, hasStatus ? statusSchema : null, t.target, t.mappings));
      if (!t.target.insert_only_mode) await requireUniqueKey(pool, t.target, targetKeyOf(t.target, t.mappings));
      const added = new Set(drifts.get(t.target.name)!.add.map((m) => m.targetName));
      const check = await checkTargetColumns(pool, t.target.target_schema, t.target.target_table, t.mappings.filter((m) => !added.has(m.targetName)));
      columnWarnings.set(t.target.name, check.warnings);
    }
  };
  let runId: string;
  if (open) {
    runId = open.runId;
    const records = await getRunTables(pool, statusSchema, runId);
    await checkStoredPlan(session, open, records);
    await checkColumns(records.map((r) => ({ target: configTableOf(session, r), mappings: r.columnMappings })));
  } else {
    const plan = await planRun(session);
    await checkColumns(plan.tables.map((t) => ({ target: t.config, mappings: t.mappings })));
    runId = (await storePlan(session, plan, options)).runId;
  }
  await startRun(pool, statusSchema, runId);
  // From here on the run is written: a failure leaves it `failed` with its cause, for resume.
  try {
    const truncated: Truncation[] = [];
    for (const record of await getRunTables(pool, statusSchema, runId)) {
      const table = configTableOf(session, record);
      const target = targets.get(table.name)!;
      await addTableWarnings(pool, statusSchema, runId, record.tableOrdinal, columnWarnings.get(table.name) ?? []);
      if (!target.exists) {
        await createTargetTable(pool, table.target_schema, table.target_table, record.columnMappings);
        // Upserts match rows with ON CONFLICT on the key: it must exist before the first chunk.
        if (!table.insert_only_mode) await addPrimaryKeyAndAnalyze(pool, table.target_schema, table.target_table, targetKeyOf(table, record.columnMappings));
        await markTableCreated(pool, statusSchema, runId, record.tableOrdinal);
      } else if (table.truncate_onstart && !target.empty) {
        const rows = await truncateTable(pool, table.target_schema, table.target_table);
        await markTableTruncated(pool, statusSchema, runId, record.tableOrdinal, rows);
        truncated.push({ table: table.name, rows });
      }
      const drift = drifts.get(table.name);
      if (drift) await applyDrift(pool, table, drift);
    }
    return { ...(await loadRunTables(session, runId)), resumed: false, truncated };
  } catch (err) {
    throw await recordRunFailure(session, runId, err);
  }
}

/** Records a run that was written and then could not go on as `failed` with the cause; returns the error to raise. */
export async function recordRunFailure(session: PgSession, runId: string, err: unknown): Promise<RunFailedError> {
  const cause = errorMessage(err);
  await failRun(session.pool, session.statusSchema, runId, cause).catch(() => undefined);
  return new RunFailedError(`run ${runId} failed: ${cause}`, { runId }, { cause: err });
}

/** A stored plan is checked again before it starts: the target or the source may have changed since. */
async function checkStoredPlan(session: Session, run: RunRecord, records: TableRecord[]): Promise<void> {
  await requireSnapshotReadable(session, run, records);
  await checkColumnTypes(session);
  const snapshot = snapshotOf(run);
  for (const record of records) {
    const table = configTableOf(session, record);
    await checkKeyNulls(
      session,
      {
        index: session.config.tables.indexOf(table),
        sourceTable: sourceTableOf(session.config.source.database, table),
        target: { schema: table.target_schema, table: table.target_table },
        primaryKey: table.primary_key,
        columns: record.columnMappings.map((m) => m.source),
      },
      snapshot,
    );
  }
}

/** The run's tables as the executor needs them, and its totals. */
export async function loadRunTables(session: Session, runId: string): Promise<Omit<PreparedRun, 'resumed'>> {
  const { pool, statusSchema, config } = session;
  const run = await getRun(pool, statusSchema, runId);
  if (!run) throw new RefusedError(`run ${runId} does not exist`, { runId });
  const records = await getRunTables(pool, statusSchema, runId);
  const watermarks = runWatermarks(run.options);
  // Chunks of a run with clones read the clones, which hold the snapshot without AT().
  const clones = new Map((storedSnapshotOf(run)?.clones ?? []).map((c) => [c.tableOrdinal, c.clone]));
  const tables = new Map<number, RunTable>();
  records.forEach((record) => {
    const table = configTableOf(session, record);
    const built = buildRunTable(record.tableOrdinal, sourceTableOf(config.source.database, table), table, record.columnMappings, record.createdTable, watermarks[table.name]);
    const clone = clones.get(record.tableOrdinal);
    tables.set(record.tableOrdinal, clone ? { ...built, cloneTable: clone } : built);
  });
  return {
    runId,
    tables,
    snapshot: clones.size > 0 ? undefined : snapshotOf(run),
    chunks: records.reduce((n, r) => n + r.totalChunks, 0),
    rows: records.reduce((n, r) => n + r.totalRows, 0),
  };
}
