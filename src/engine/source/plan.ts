// Turns the plan statement's buckets into chunk ranges that cover every row exactly once.
import { SourceError } from '../errors';
import type { ChunkRange, SourceColumn } from '../types/model';
import type { SnowflakeSource } from './connection';
import { describeTable, requireBoundaryType, toCount } from './metadata';
import { planStatement, type PlanPart, type Snapshot, type SourceTable, type WatermarkFilter } from './sql';

/** One row of statement 5, whichever shape (with or without a partition column) it came in. */
export interface PlanRow {
  partitionIsNull: boolean;
  partitionValue: string | null;
  /** -1 for the rows whose split value is NULL. */
  bucket: number;
  /** MIN of the split column in the bucket, as text; null for bucket -1. */
  splitLow: string | null;
  rows: number;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true' || value === 'TRUE') return true;
  if (value === 0 || value === '0' || value === 'false' || value === 'FALSE') return false;
  throw new SourceError(`unexpected PARTITION_IS_NULL from Snowflake: ${String(value)}`, false);
}

function toText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function parsePlanRow(row: Record<string, unknown>, partitioned: boolean): PlanRow {
  const partitionIsNull = partitioned ? toBoolean(row.PARTITION_IS_NULL) : false;
  const partitionValue = partitioned ? toText(row.PARTITION_VALUE) : null;
  if (partitioned && !partitionIsNull && partitionValue === null) {
    throw new SourceError('plan row without a partition value in a partitioned plan', false);
  }
  return {
    partitionIsNull,
    partitionValue,
    bucket: toCount(row.BUCKET, 'BUCKET'),
    splitLow: toText(row.SPLIT_LOW),
    // The NULL-split branch of a table without partitions sums over no rows when there are none.
    rows: row.ROW_COUNT === null ? 0 : toCount(row.ROW_COUNT, 'ROW_COUNT'),
  };
}

/** Which partition a plan row, a chunk or a plan part belongs to. */
const partKey = (p: { partitionIsNull: boolean; partitionValue: string | null }) => (p.partitionIsNull ? 'null' : `value:${p.partitionValue ?? ''}`);

/**
 * Within each partition value, bucket k covers [its SPLIT_LOW, bucket k+1's SPLIT_LOW); the first
 * bucket is unbounded below and the last unbounded above, so rows with split values outside what
 * the plan saw still belong to exactly one chunk. NULL split values are a chunk of their own.
 */
export function chunkRangesFromPlanRows(rows: readonly PlanRow[]): ChunkRange[] {
  const partitions = new Map<string, PlanRow[]>();
  for (const row of rows) {
    if (row.rows === 0) continue;
    const key = partKey(row);
    const group = partitions.get(key) ?? [];
    group.push(row);
    partitions.set(key, group);
  }

  const chunks: ChunkRange[] = [];
  for (const group of partitions.values()) {
    const { partitionIsNull, partitionValue } = group[0]!;
    const buckets = group.filter((r) => r.bucket >= 0).sort((a, b) => a.bucket - b.bucket);
    buckets.forEach((bucket, i) => {
      if (i > 0 && bucket.bucket === buckets[i - 1]!.bucket) {
        throw new SourceError(`plan returned bucket ${bucket.bucket} twice for partition ${partitionValue ?? 'NULL'}`, false);
      }
      if (bucket.splitLow === null) throw new SourceError(`plan bucket ${bucket.bucket} has no SPLIT_LOW`, false);
      chunks.push({
        partitionIsNull,
        partitionValue,
        splitIsNull: false,
        splitLow: i === 0 ? null : bucket.splitLow,
        splitHigh: i === buckets.length - 1 ? null : buckets[i + 1]!.splitLow,
        rows: bucket.rows,
      });
    });
    for (const nulls of group.filter((r) => r.bucket < 0)) {
      chunks.push({ partitionIsNull, partitionValue, splitIsNull: true, splitLow: null, splitHigh: null, rows: nulls.rows });
    }
  }
  return chunks;
}

export interface PlanChunksOptions {
  /** Absent when the table has no partition column. */
  partition?: SourceColumn;
  split: SourceColumn;
  batchSize: number;
  snapshot?: Snapshot;
  /** Plan only these parts (see PlanStatementOptions.only). */
  only?: readonly PlanPart[];
  /** With `only`: their NULL split values too. */
  withNullSplits?: boolean;
  /** Only rows at or past an incremental load's watermark. */
  since?: WatermarkFilter;
}

/** A part planned from a split value on starts there, not unbounded below. */
function startAtSplitFrom(chunks: ChunkRange[], only: readonly PlanPart[]): ChunkRange[] {
  const from = new Map(only.map((p) => [partKey(p), p.splitFrom]));
  return chunks.map((c) => {
    const splitFrom = from.get(partKey(c)) ?? null;
    return !c.splitIsNull && c.splitLow === null && splitFrom !== null ? { ...c, splitLow: splitFrom } : c;
  });
}

/** Runs the plan statement for one table and returns its chunks with exact row counts. */
export async function planChunks(source: SnowflakeSource, table: SourceTable, options: PlanChunksOptions): Promise<ChunkRange[]> {
  const { partition, split } = options;
  requireBoundaryType(table, split, 'split_column');
  if (partition) requireBoundaryType(table, partition, 'partition_column');
  const { sql, binds } = planStatement(table, {
    split,
    batchSize: options.batchSize,
    ...(partition ? { partition } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(options.withNullSplits ? { withNullSplits: true } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
  const rows = await source.execute<Record<string, unknown>>(sql, binds, { table: describeTable(table) });
  const chunks = chunkRangesFromPlanRows(rows.map((row) => parsePlanRow(row, partition !== undefined)));
  return options.only ? startAtSplitFrom(chunks, options.only) : chunks;
}
