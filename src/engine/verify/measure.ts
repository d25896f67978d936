// The two sides of `thaw verify`, each cut into ranges (ranges.ts) measured by `threads`
// connections at once. Measures add up per partition value as the ranges come back, so memory
// holds one entry per partition value, never rows.
// - Snowflake: one statement per range of partition values, all on the session's connection (the
//   driver runs statements concurrently), all at one Time Travel snapshot when the config pins
//   snapshots.
// - PostgreSQL: `threads` connections each take the next range of heap blocks until none is left,
//   all inside one exported REPEATABLE READ snapshot, so they see the table at one moment as the
//   single query did.
import pLimit from 'p-limit';
import type pg from 'pg';
import type { ErrorContext } from '../errors';
import type { Session } from '../session';
import type { Snapshot, SourceTable } from '../source';
import { describeTable } from '../source';
import type { SourceColumn } from '../types/model';
import type { CanonicalColumn } from './canonical';
import { partitionCountsStatement, sourceChecksumStatement, targetChecksumQuery } from './checksumSql';
import { blockRanges, partitionRanges } from './ranges';

export interface Measure {
  partitionIsNull: boolean;
  partitionValue: string | null;
  rows: number;
  checksum: string | null;
}

/** Per partition value, the sums of the ranges measured so far. */
export class MeasureSums {
  private readonly byKey = new Map<string, { partitionIsNull: boolean; partitionValue: string | null; rows: number; checksum: bigint | null }>();

  add(m: Measure): void {
    const key = m.partitionIsNull ? 'null' : `value:${m.partitionValue ?? ''}`;
    const sum = this.byKey.get(key) ?? { partitionIsNull: m.partitionIsNull, partitionValue: m.partitionValue, rows: 0, checksum: null };
    sum.rows += m.rows;
    if (m.checksum !== null) sum.checksum = (sum.checksum ?? 0n) + BigInt(m.checksum);
    this.byKey.set(key, sum);
  }

  measures(): Measure[] {
    return [...this.byKey.values()].filter((m) => m.rows > 0).map((m) => ({ ...m, checksum: m.checksum === null ? null : m.checksum.toString() }));
  }
}

/** Ranges measured so far on each side, for progress reports. */
export interface RangeProgress {
  side: 'source' | 'target';
  done: number;
  total: number;
}

export interface SideOptions {
  threads: number;
  onRange?: (progress: RangeProgress) => void;
}

function sourceMeasure(row: Record<string, unknown>, partitioned: boolean): Measure {
  const isNull = partitioned && (row.PARTITION_IS_NULL === true || row.PARTITION_IS_NULL === 'true' || row.PARTITION_IS_NULL === 1);
  return {
    partitionIsNull: isNull,
    partitionValue: partitioned && !isNull ? String(row.PARTITION_VALUE) : null,
    rows: Number(row.ROW_COUNT),
    checksum: row.CHECKSUM === null || row.CHECKSUM === undefined ? null : String(row.CHECKSUM),
  };
}

/** The source's measures: ranges of about equal rows, `threads` at a time (four ranges per thread, so the slowest range ends soon after the rest). */
export async function measureSource(
  session: Session,
  table: SourceTable,
  columns: readonly SourceColumn[],
  partition: SourceColumn | undefined,
  snapshot: Snapshot | undefined,
  options: SideOptions,
): Promise<Measure[]> {
  const context: ErrorContext = { table: describeTable(table) };
  const sums = new MeasureSums();
  if (!partition) {
    const { sql, binds } = sourceChecksumStatement(table, columns, { snapshot });
    for (const row of await session.source.execute<Record<string, unknown>>(sql, binds, context)) sums.add(sourceMeasure(row, false));
    options.onRange?.({ side: 'source', done: 1, total: 1 });
    return sums.measures();
  }
  const counts = partitionCountsStatement(table, partition, snapshot);
  const values = (await session.source.execute<Record<string, unknown>>(counts.sql, counts.binds, context)).map((r) => ({ value: String(r.PARTITION_VALUE), rows: Number(r.ROW_COUNT) }));
  const ranges = partitionRanges(values, options.threads * 4);
  const limit = pLimit(options.threads);
  let done = 0;
  await Promise.all(
    ranges.map((range) =>
      limit(async () => {
        const { sql, binds } = sourceChecksumStatement(table, columns, { partition, range, snapshot });
        for (const row of await session.source.execute<Record<string, unknown>>(sql, binds, context)) sums.add(sourceMeasure(row, true));
        options.onRange?.({ side: 'source', done: ++done, total: ranges.length });
      }),
    ),
  );
  return sums.measures();
}

interface TargetRow {
  partition_value?: string | null;
  partition_is_null?: boolean;
  row_count: string;
  checksum: string | null;
}

// The failing query reports a broken connection; the client's own 'error' event must not end the process.
const onBrokenConnection = () => undefined;

/** A client of the pool in a read-only REPEATABLE READ transaction at `snapshot` (exported by another). */
async function joinSnapshot(pool: pg.Pool, snapshot: string): Promise<pg.PoolClient> {
  const client = await pool.connect();
  client.on('error', onBrokenConnection);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replaceAll("'", "''")}'`);
    return client;
  } catch (err) {
    client.off('error', onBrokenConnection);
    client.release(true);
    throw err;
  }
}

/** The target's measures: `threads` connections over ranges of heap blocks (two per thread). */
export async function measureTarget(
  pool: pg.Pool,
  statusSchema: string,
  target: string,
  columns: readonly CanonicalColumn[],
  partition: CanonicalColumn | undefined,
  options: SideOptions,
): Promise<Measure[]> {
  const sums = new MeasureSums();
  const lead = await pool.connect();
  lead.on('error', onBrokenConnection);
  const helpers: pg.PoolClient[] = [];
  let failed = false;
  try {
    await lead.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot, blocks }] = (
      await lead.query<{ snapshot: string; blocks: string }>(
        `SELECT pg_export_snapshot() AS snapshot, pg_relation_size($1::regclass) / current_setting('block_size')::bigint AS blocks`,
        [target],
      )
    ).rows as [{ snapshot: string; blocks: string }];
    const ranges = blockRanges(Number(blocks), options.threads * 2);
    for (let i = 1; i < Math.min(options.threads, ranges.length); i++) helpers.push(await joinSnapshot(pool, snapshot));
    let next = 0;
    let done = 0;
    // Settled, not all: a failing range must not release clients whose queries still run.
    const outcomes = await Promise.allSettled(
      [lead, ...helpers].map(async (client) => {
        while (next < ranges.length) {
          const range = ranges[next++]!;
          const { rows } = await client.query<TargetRow>(targetChecksumQuery(target, columns, { partition, blocks: range, statusSchema })).catch((err: unknown) => {
            next = ranges.length; // the other connections take no further range
            throw err;
          });
          for (const r of rows) {
            sums.add({
              partitionIsNull: r.partition_is_null ?? false,
              partitionValue: partition && !r.partition_is_null ? (r.partition_value ?? null) : null,
              rows: Number(r.row_count),
              checksum: r.checksum,
            });
          }
          options.onRange?.({ side: 'target', done: ++done, total: ranges.length });
        }
      }),
    );
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (rejected) throw rejected.reason;
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    for (const client of [lead, ...helpers]) {
      if (!failed) await client.query('COMMIT').catch(() => undefined);
      client.off('error', onBrokenConnection);
      client.release(failed);
    }
  }
  return sums.measures();
}
