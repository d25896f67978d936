// The aggregate queries of `thaw verify`, one kind per database: per partition value, the row
// count and the sum of a 64-bit hash of each row's canonical text (canonical.ts), over one range
// of the table (ranges.ts). Each is a scan of that range inside its own database; only one row
// per partition value comes back.
//
// The hash is the upper 64 bits of MD5, read as an unsigned number: Snowflake's
// MD5_NUMBER_UPPER64, and in PostgreSQL the first 16 hex digits of md5() as bit(64), made
// unsigned. Sums stay exact: 272M rows × 2^64 < 10^28, within NUMBER(38,0) and numeric.
import pg from 'pg';
import type { Snapshot, Statement, SourceTable } from '../source';
import { tableReference } from '../source';
import type { SourceColumn } from '../types/model';
import { boundaryCastType, boundaryText, quoteIdent } from '../types/render';
import { sourceCanonicalRow, targetCanonicalRow, type CanonicalColumn } from './canonical';
import type { BlockRange, PartitionRange } from './ranges';

/** The WHERE of one partition range, and its binds. */
function rangeFilter(partition: SourceColumn, range: PartitionRange): { where: string; binds: string[] } {
  const p = quoteIdent(partition.name);
  if (range.nulls) return { where: ` WHERE ${p} IS NULL`, binds: [] };
  const conditions: string[] = [];
  const binds: string[] = [];
  if (range.low !== null) {
    conditions.push(`${p} >= CAST(? AS ${boundaryCastType(partition)})`);
    binds.push(range.low);
  }
  if (range.high !== null) {
    conditions.push(`${p} < CAST(? AS ${boundaryCastType(partition)})`);
    binds.push(range.high);
  }
  if (conditions.length === 0) conditions.push(`${p} IS NOT NULL`);
  return { where: ` WHERE ${conditions.join(' AND ')}`, binds };
}

/** 11. The rows per non-NULL partition value, in the partition column's order: where verify cuts the source. */
export function partitionCountsStatement(table: SourceTable, partition: SourceColumn, snapshot?: Snapshot): Statement {
  const p = quoteIdent(partition.name);
  return {
    sql: `SELECT ${boundaryText(partition, p)} AS "PARTITION_VALUE", COUNT(*) AS "ROW_COUNT" FROM ${tableReference(table, snapshot)} WHERE ${p} IS NOT NULL GROUP BY ${p} ORDER BY ${p}`,
    binds: [],
  };
}

export interface SourceChecksumOptions {
  partition?: SourceColumn;
  /** One range of partition values (with a partition column); absent: the whole table. */
  range?: PartitionRange;
  snapshot?: Snapshot;
}

/** 8. Row count and checksum per partition value of the source (one row without a partition column). */
export function sourceChecksumStatement(table: SourceTable, columns: readonly SourceColumn[], options: SourceChecksumOptions = {}): Statement {
  const { partition, range } = options;
  const measures = `COUNT(*) AS "ROW_COUNT", TO_VARCHAR(SUM(MD5_NUMBER_UPPER64(${sourceCanonicalRow(columns)}))) AS "CHECKSUM"`;
  const ref = tableReference(table, options.snapshot);
  if (!partition) return { sql: `SELECT ${measures} FROM ${ref}`, binds: [] };
  const p = quoteIdent(partition.name);
  const filter = range ? rangeFilter(partition, range) : { where: '', binds: [] };
  return {
    sql: `SELECT ${boundaryText(partition, p)} AS "PARTITION_VALUE", ${p} IS NULL AS "PARTITION_IS_NULL", ${measures} FROM ${ref}${filter.where} GROUP BY ${p} ORDER BY 2, 1`,
    binds: filter.binds,
  };
}

/** A partition value in PostgreSQL as text equal to the source's boundaryText of it. */
function targetPartitionText(partition: CanonicalColumn): string {
  const c = pg.escapeIdentifier(partition.targetName);
  switch (partition.source.type) {
    case 'DATE':
      return `to_char(${c}, 'YYYY-MM-DD')`;
    case 'TIMESTAMP_NTZ':
      // The source renders nine fractional digits; PostgreSQL holds six.
      return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US') || '000'`;
    default:
      return `${c}::text`;
  }
}

/** The heap blocks of one range, for a TID range scan. */
function blockFilter(blocks: BlockRange): string {
  const low = `ctid >= '(${blocks.low},0)'::tid`;
  return blocks.high === null ? ` WHERE ${low}` : ` WHERE ${low} AND ctid < '(${blocks.high},0)'::tid`;
}

export interface TargetChecksumOptions {
  partition?: CanonicalColumn;
  /** One range of heap blocks; absent: the whole table. */
  blocks?: BlockRange;
  /** The status schema, which holds canonical_json(). */
  statusSchema: string;
}

/** The same measures over the target table, or over one range of its heap blocks. */
export function targetChecksumQuery(target: string, columns: readonly CanonicalColumn[], options: TargetChecksumOptions): string {
  const { partition, blocks } = options;
  const hash = `('x' || left(md5(${targetCanonicalRow(columns, options.statusSchema)}), 16))::bit(64)::bigint`;
  const measures = `count(*) AS row_count, (sum(h) + 18446744073709551616 * count(*) FILTER (WHERE h < 0))::text AS checksum`;
  // OFFSET 0 keeps the subquery whole: pulled up, h would be substituted into both sum(h) and the
  // FILTER, and each row's canonical text and hash computed twice (twice the CPU, measured).
  const where = blocks ? blockFilter(blocks) : '';
  if (!partition) return `SELECT ${measures} FROM (SELECT ${hash} AS h FROM ${target}${where} OFFSET 0) s`;
  const p = pg.escapeIdentifier(partition.targetName);
  return `SELECT ${targetPartitionText(partition).replaceAll(p, 'p')} AS partition_value, p IS NULL AS partition_is_null, ${measures}
          FROM (SELECT ${p} AS p, ${hash} AS h FROM ${target}${where} OFFSET 0) s GROUP BY p`;
}
