// How `thaw verify` cuts a table into pieces that several connections measure at once. Both
// measures (row count, sum of row hashes) add up, so any cut works as long as every row falls in
// exactly one piece; each side is cut the way its database reads a part cheaply:
// - Snowflake: contiguous ranges of partition values, open at both ends (a value added since the
//   load still falls in the first or last range), of about equal rows; the warehouse prunes
//   micro-partitions by the range. The NULL partition is a range of its own.
// - PostgreSQL: ranges of heap blocks (a TID range scan reads only those blocks), so the table is
//   read once in all, whatever index it has or lacks.

/** A range of partition values: low ≤ value < high; null = unbounded. `nulls`: the NULL partition. */
export type PartitionRange = { nulls: true } | { nulls: false; low: string | null; high: string | null };

/** Blocks low ≤ block < high of the target heap; high null = to the end (rows added meanwhile). */
export interface BlockRange {
  low: number;
  high: number | null;
}

/**
 * At most `count` ranges over the partition values (in the source's order, with their row
 * counts), each starting at a value, of about equal rows; then the NULL partition, always (the
 * target may hold NULL-partition rows the source no longer has).
 */
export function partitionRanges(values: ReadonlyArray<{ value: string; rows: number }>, count: number): PartitionRange[] {
  const ranges: PartitionRange[] = [];
  const total = values.reduce((n, v) => n + v.rows, 0);
  const perRange = total / Math.max(1, count);
  const starts: string[] = [];
  let inRange = 0;
  for (const v of values) {
    if (starts.length === 0 || (inRange >= perRange && starts.length < count)) {
      starts.push(v.value);
      inRange = 0;
    }
    inRange += v.rows;
  }
  if (starts.length === 0) ranges.push({ nulls: false, low: null, high: null });
  starts.forEach((start, i) => ranges.push({ nulls: false, low: i === 0 ? null : start, high: starts[i + 1] ?? null }));
  ranges.push({ nulls: true });
  return ranges;
}

/** `count` ranges of about equal blocks covering a heap of `blocks` blocks and whatever follows. */
export function blockRanges(blocks: number, count: number): BlockRange[] {
  const n = Math.max(1, Math.min(count, blocks));
  const step = Math.ceil(blocks / n);
  return Array.from({ length: n }, (_, i) => ({ low: i * step, high: i === n - 1 ? null : (i + 1) * step }));
}
