// `thaw verify`: per table and partition value, row counts and checksums computed inside Snowflake
// and inside PostgreSQL (checksumSql.ts), compared here, stored in the status schema. A partition
// on one side only (rows deleted or added at the source since the load) is a mismatch too.
//
// Cost: each side reads the table once, cut into ranges that `parallel_threads` connections per
// side measure at once (measure.ts); what comes back is one row per partition value and range.
// It grows linearly with the rows (hashing a row's text is the work), divided by the parallelism
// each database gives it; the result grows with the partitions.
import pg from 'pg';
import type { ResolvedTable } from '../config';
import { RefusedError } from '../errors';
import { newRunId } from '../state/runId';
import { sourceTableOf } from '../run/runTables';
import { withClient, type Session } from '../session';
import { findColumn, readColumns, readSourceTime, type Snapshot, type SourceTable } from '../source';
import { applyStatusSchema } from '../state';
import { inTransaction } from '../state/db';
import { qualifiedName, tableExists } from '../target';
import type { SourceColumn } from '../types/model';
import type { CanonicalColumn } from './canonical';
import { measureSource, measureTarget, type Measure, type RangeProgress } from './measure';

export interface PartitionResult {
  partitionIsNull: boolean;
  /** Text as the source renders it; null for the NULL partition or a table without partition column. */
  partitionValue: string | null;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string | null;
  targetChecksum: string | null;
  equal: boolean;
}

export interface TableVerification {
  table: ResolvedTable;
  sourceTable: SourceTable;
  partitionColumn: string | null;
  partitions: PartitionResult[];
  mismatches: PartitionResult[];
  /** Source columns whose values the checksum covers (`verify.columns`, or all). */
  checksumColumns: string[];
}

export interface Verification {
  verifyId: string;
  startedAt: Date;
  equal: boolean;
  tables: TableVerification[];
}

const keyOf = (m: { partitionIsNull: boolean; partitionValue: string | null }) => (m.partitionIsNull ? 'null' : `value:${m.partitionValue ?? ''}`);

/** Source and target measures side by side, in partition order; missing on one side = 0 rows. */
export function comparePartitions(source: readonly Measure[], target: readonly Measure[]): PartitionResult[] {
  const byKey = new Map<string, PartitionResult>();
  const entry = (m: Measure) => {
    const key = keyOf(m);
    let r = byKey.get(key);
    if (!r) {
      r = { partitionIsNull: m.partitionIsNull, partitionValue: m.partitionValue, sourceRows: 0, targetRows: 0, sourceChecksum: null, targetChecksum: null, equal: false };
      byKey.set(key, r);
    }
    return r;
  };
  for (const m of source) Object.assign(entry(m), { sourceRows: m.rows, sourceChecksum: m.checksum });
  for (const m of target) Object.assign(entry(m), { targetRows: m.rows, targetChecksum: m.checksum });
  const results = [...byKey.values()];
  for (const r of results) r.equal = r.sourceRows === r.targetRows && r.sourceChecksum === r.targetChecksum;
  return results.sort((a, b) => Number(a.partitionIsNull) - Number(b.partitionIsNull) || (a.partitionValue ?? '').localeCompare(b.partitionValue ?? ''));
}

/** The columns the checksum covers: the table's `verify.columns` (in the table's order), or all. */
function checksumColumns(table: ResolvedTable, columns: readonly SourceColumn[], sourceTable: SourceTable): SourceColumn[] {
  if (!table.verify_columns) return [...columns];
  const chosen = new Set(table.verify_columns.map((name) => findColumn(columns, name, 'verify.columns', sourceTable)));
  return columns.filter((c) => chosen.has(c));
}

export interface VerifyProgress extends RangeProgress {
  table: string;
}

/** What each side of one table's verification reads: the columns checksummed, the partition column, the snapshot. */
export interface TableSides {
  sourceTable: SourceTable;
  sourceColumns: SourceColumn[];
  sourcePartition: SourceColumn | undefined;
  snapshot: Snapshot | undefined;
  /** The target table, schema-qualified and quoted. */
  target: string;
  targetColumns: CanonicalColumn[];
  targetPartition: CanonicalColumn | undefined;
}

export async function tableSides(session: Session, table: ResolvedTable): Promise<TableSides> {
  const sourceTable = sourceTableOf(session.config.source.database, table);
  if (!(await tableExists(session.pool, table.target_schema, table.target_table))) {
    throw new RefusedError(`target table ${table.name} does not exist: load it with "thaw start" before verifying it`, { table: table.name });
  }
  const columns = await readColumns(session.source, sourceTable);
  const partition: SourceColumn | undefined = table.partition_column ? findColumn(columns, table.partition_column, 'partition_column', sourceTable) : undefined;
  const checksummed = checksumColumns(table, columns, sourceTable);
  const canonicalOf = (c: SourceColumn): CanonicalColumn => ({ source: c, targetName: c.name.toLowerCase() });
  return {
    sourceTable,
    sourceColumns: checksummed,
    sourcePartition: partition,
    snapshot: session.config.consistent_snapshot ? await readSourceTime(session.source) : undefined,
    target: qualifiedName(table.target_schema, table.target_table),
    targetColumns: checksummed.map(canonicalOf),
    targetPartition: partition && canonicalOf(partition),
  };
}

async function verifyTable(session: Session, table: ResolvedTable, onProgress: ((p: VerifyProgress) => void) | undefined): Promise<TableVerification> {
  const sides = await tableSides(session, table);
  const side = { threads: session.config.parallel_threads, onRange: (p: RangeProgress) => onProgress?.({ table: table.name, ...p }) };
  const [sourceMeasures, targetMeasures] = await Promise.all([
    measureSource(session, sides.sourceTable, sides.sourceColumns, sides.sourcePartition, sides.snapshot, side),
    measureTarget(session.pool, session.statusSchema, sides.target, sides.targetColumns, sides.targetPartition, side),
  ]);
  const partitions = comparePartitions(sourceMeasures, targetMeasures);
  return {
    table,
    sourceTable: sides.sourceTable,
    partitionColumn: sides.sourcePartition?.name ?? null,
    partitions,
    mismatches: partitions.filter((p) => !p.equal),
    checksumColumns: sides.sourceColumns.map((c) => c.name),
  };
}

/** The config's tables, or those named (each by source table name, target name, or schema.target). */
export function tablesToVerify(session: Session, names: readonly string[] | undefined): ResolvedTable[] {
  const tables = session.config.tables;
  if (names === undefined) return tables;
  const matches = (t: ResolvedTable, name: string) => [t.source_table.toLowerCase(), t.name, t.target_table].includes(name.toLowerCase());
  const unknown = names.find((name) => !tables.some((t) => matches(t, name)));
  if (unknown !== undefined) throw new RefusedError(`the config has no table ${unknown} (it has ${tables.map((t) => t.source_table).join(', ')})`);
  return tables.filter((t) => names.some((name) => matches(t, name)));
}

async function store(session: Session, v: Verification): Promise<void> {
  const s = pg.escapeIdentifier(session.statusSchema);
  await withClient(session, async (client) => {
    await inTransaction(client, async () => {
      await client.query(`INSERT INTO ${s}.migration_verifications (verify_id, config_hash, started_at, finished_at, equal) VALUES ($1, $2, $3, now(), $4)`, [
        v.verifyId,
        session.configHash,
        v.startedAt,
        v.equal,
      ]);
      for (const t of v.tables) {
        await client.query(
          `INSERT INTO ${s}.migration_verify_partitions (verify_id, target_schema, target_table, source_table, partition_is_null, partition_value,
             source_rows, target_rows, source_checksum, target_checksum, equal)
           SELECT $1, $2, $3, $4, u.* FROM unnest($5::boolean[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::boolean[]) AS u`,
          [
            v.verifyId,
            t.table.target_schema,
            t.table.target_table,
            t.table.source_table,
            t.partitions.map((p) => p.partitionIsNull),
            t.partitions.map((p) => p.partitionValue),
            t.partitions.map((p) => p.sourceRows),
            t.partitions.map((p) => p.targetRows),
            t.partitions.map((p) => p.sourceChecksum),
            t.partitions.map((p) => p.targetChecksum),
            t.partitions.map((p) => p.equal),
          ],
        );
      }
    });
  });
}

/** Compares the tables (all, or the one named), stores the result and returns it. */
export async function verifyTables(session: Session, options: { tables?: readonly string[]; onProgress?: (p: VerifyProgress) => void }): Promise<Verification> {
  const startedAt = new Date();
  const tables = tablesToVerify(session, options.tables);
  // The status schema holds the results and canonical_json(), which the target's checksums call.
  await withClient(session, (client) => applyStatusSchema(client, session.statusSchema));
  const results: TableVerification[] = [];
  for (const table of tables) results.push(await verifyTable(session, table, options.onProgress));
  const verification = { verifyId: newRunId(), startedAt, equal: results.every((t) => t.mismatches.length === 0), tables: results };
  await store(session, verification);
  return verification;
}
