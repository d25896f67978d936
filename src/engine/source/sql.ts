// Every statement Thaw sends to Snowflake, one builder per statement of the SQL catalog. Pure:
// identifiers are quoted here, values travel as text binds and are cast by the SQL.
import type { ChunkRange, SourceColumn } from '../types/model';
import { boundaryCastType, boundaryText, quoteIdent, renderRow } from '../types/render';

/** A Snowflake table, each part exactly as stored (upper case when created unquoted). */
export interface SourceTable {
  database: string;
  schema: string;
  table: string;
}

export interface Statement {
  sql: string;
  binds: string[];
}

/**
 * A Time Travel point in UTC, `YYYY-MM-DD HH24:MI:SS.FFF +00:00`, the form `snapshotFromSourceTime`
 * produces. Checked before it is spliced into SQL.
 */
export type Snapshot = string;

const SNAPSHOT_FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+00:00$/;
const SOURCE_TIME_FORMAT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3}) ([+-]\d{2}:\d{2})$/;

/** Statement 1's `NOW` (in the session's offset) as a UTC snapshot. */
export function snapshotFromSourceTime(now: string): Snapshot {
  const m = SOURCE_TIME_FORMAT.exec(now.trim());
  if (!m) throw new Error(`unexpected source time "${now}": wanted YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM`);
  const instant = new Date(`${m[1]}T${m[2]}${m[3]}`);
  if (Number.isNaN(instant.getTime())) throw new Error(`unexpected source time "${now}"`);
  return `${instant.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
}

/** `"DB"."SCHEMA"."TABLE"` followed by the Time Travel clause when a snapshot is pinned. */
export function tableReference(table: SourceTable, snapshot?: Snapshot): string {
  const ref = [table.database, table.schema, table.table].map(quoteIdent).join('.');
  if (snapshot === undefined) return ref;
  if (!SNAPSHOT_FORMAT.test(snapshot)) throw new Error(`invalid snapshot "${snapshot}": wanted YYYY-MM-DD HH24:MI:SS.FFF +00:00`);
  return `${ref} AT(TIMESTAMP => '${snapshot}'::TIMESTAMP_TZ)`;
}

function informationSchema(table: SourceTable, view: 'COLUMNS' | 'TABLES'): string {
  return `${quoteIdent(table.database)}."INFORMATION_SCHEMA".${quoteIdent(view)}`;
}

/** 1. The source's clock, which pins the plan's snapshot. */
export function sourceTimeStatement(): Statement {
  return { sql: `SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM') AS "NOW"`, binds: [] };
}

/** 2. The table's columns, in order. */
export function columnsStatement(table: SourceTable): Statement {
  return {
    sql:
      `SELECT "COLUMN_NAME", "DATA_TYPE", "NUMERIC_PRECISION", "NUMERIC_SCALE", "DATETIME_PRECISION", "IS_NULLABLE", "ORDINAL_POSITION" ` +
      `FROM ${informationSchema(table, 'COLUMNS')} WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"`,
    binds: [table.schema, table.table],
  };
}

/** 3. Whether the table exists, and its approximate row count. */
export function tableRowCountStatement(table: SourceTable): Statement {
  return {
    sql: `SELECT "ROW_COUNT" FROM ${informationSchema(table, 'TABLES')} WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ?`,
    binds: [table.schema, table.table],
  };
}

/** 4. MIN/MAX of integer columns, as `MIN_<i>` / `MAX_<i>` with i the 1-based position in `columns`. */
export function integerRangesStatement(table: SourceTable, columns: readonly SourceColumn[], snapshot?: Snapshot): Statement {
  if (columns.length === 0) throw new Error('integerRangesStatement: no columns to measure');
  const measures = columns.flatMap((c, i) => [
    `TO_VARCHAR(MIN(${quoteIdent(c.name)})) AS "MIN_${i + 1}"`,
    `TO_VARCHAR(MAX(${quoteIdent(c.name)})) AS "MAX_${i + 1}"`,
  ]);
  return { sql: `SELECT ${measures.join(', ')} FROM ${tableReference(table, snapshot)}`, binds: [] };
}

/** 7. The tables and views of a schema: what a mistyped table name is compared with. */
export function tableNamesStatement(table: SourceTable): Statement {
  return {
    sql: `SELECT "TABLE_NAME" FROM ${informationSchema(table, 'TABLES')} WHERE "TABLE_SCHEMA" = ? ORDER BY "TABLE_NAME"`,
    binds: [table.schema],
  };
}

/** 8. NULLs per column, as `NULLS_<i>` with i the 1-based position in `columns`: primary-key columns before a load. */
export function nullCountsStatement(table: SourceTable, columns: readonly SourceColumn[], snapshot?: Snapshot): Statement {
  if (columns.length === 0) throw new Error('nullCountsStatement: no columns to count');
  const counts = columns.map((c, i) => `COUNT(*) - COUNT(${quoteIdent(c.name)}) AS "NULLS_${i + 1}"`);
  return { sql: `SELECT ${counts.join(', ')} FROM ${tableReference(table, snapshot)}`, binds: [] };
}

/**
 * An incremental load's lower bound: only rows whose watermark column is at or past `from` (text
 * that CASTs back to the column's type).
 */
export interface WatermarkFilter {
  column: SourceColumn;
  from: string;
}

/** `"WM" >= CAST(? AS type)`, and its bind. */
function watermarkPredicate(since: WatermarkFilter): { sql: string; bind: string } {
  return { sql: `${quoteIdent(since.column.name)} >= CAST(? AS ${boundaryCastType(since.column)})`, bind: since.from };
}

export interface PlanStatementOptions {
  /** Absent when the table has no partition column. */
  partition?: SourceColumn;
  split: SourceColumn;
  batchSize: number;
  snapshot?: Snapshot;
  /** Plan only the rows at or past an incremental load's watermark. */
  since?: WatermarkFilter;
  /** With `only`: keep the parts' NULL split values too (a repair reloads whole partitions). */
  withNullSplits?: boolean;
  /**
   * Plan only these parts of the table (a re-plan of chunks not started yet): one partition
   * value each (ignored without a partition column), from a split value on (null: all of it).
   * NULL split values are left out: their chunk does not depend on the batch size.
   */
  only?: readonly PlanPart[];
}

export interface PlanPart {
  partitionIsNull: boolean;
  partitionValue: string | null;
  splitFrom: string | null;
}

/** The WHERE of the "V" scan for a partial plan, and its binds. */
function partsFilter(options: PlanStatementOptions): { where: string; binds: string[] } {
  const parts = onlyFilter(options);
  if (!options.since) return parts;
  const since = watermarkPredicate(options.since);
  return { where: parts.where ? `${parts.where} AND ${since.sql}` : ` WHERE ${since.sql}`, binds: [...parts.binds, since.bind] };
}

function onlyFilter(options: PlanStatementOptions): { where: string; binds: string[] } {
  if (!options.only) return { where: '', binds: [] };
  if (options.only.length === 0) throw new Error('planStatement: `only` names no part of the table');
  const { partition, split } = options;
  const binds: string[] = [];
  const cast = (column: SourceColumn, value: string) => {
    binds.push(value);
    return `CAST(? AS ${boundaryCastType(column)})`;
  };
  const parts = options.only.map((part) => {
    const conditions: string[] = [];
    if (partition) {
      conditions.push(
        part.partitionIsNull ? `${quoteIdent(partition.name)} IS NULL` : `${quoteIdent(partition.name)} = ${cast(partition, part.partitionValue ?? '')}`,
      );
    }
    if (part.splitFrom !== null) conditions.push(`${quoteIdent(split.name)} >= ${cast(split, part.splitFrom)}`);
    return conditions.length > 0 ? `(${conditions.join(' AND ')})` : 'TRUE';
  });
  const splitNotNull = options.withNullSplits ? '' : `${quoteIdent(split.name)} IS NOT NULL AND `;
  return { where: ` WHERE ${splitNotNull}(${parts.join(' OR ')})`, binds };
}

/**
 * 5. Exact chunk boundaries and counts in one aggregate: per partition value, split values are
 * bucketed by the running row count, so every bucket holds about `batchSize` rows. Without a
 * partition column the same shape with every "P" left out.
 */
export function planStatement(table: SourceTable, options: PlanStatementOptions): Statement {
  const { partition, split, batchSize } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`invalid batch size ${batchSize}`);
  const ref = tableReference(table, options.snapshot);
  const filter = partsFilter(options);
  const s = quoteIdent(split.name);
  const splitLow = `${boundaryText(split, 'MIN("S")')} AS "SPLIT_LOW"`;
  const running = 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  if (partition) {
    const p = quoteIdent(partition.name);
    const partitionText = boundaryText(partition, '"P"');
    return {
      sql: [
        `WITH "V" AS (`,
        `  SELECT ${p} AS "P", ${s} AS "S", COUNT(*) AS "N" FROM ${ref}${filter.where} GROUP BY 1, 2`,
        `), "B" AS (`,
        `  SELECT "P", "S", "N",`,
        `         FLOOR((SUM("N") OVER (PARTITION BY "P" ORDER BY "S" ${running}) - "N") / ?) AS "BUCKET"`,
        `  FROM "V" WHERE "S" IS NOT NULL`,
        `)`,
        `SELECT ${partitionText} AS "PARTITION_VALUE", "P" IS NULL AS "PARTITION_IS_NULL", "BUCKET", ${splitLow}, SUM("N") AS "ROW_COUNT"`,
        `FROM "B" GROUP BY "P", "BUCKET"`,
        `UNION ALL`,
        `SELECT ${partitionText}, "P" IS NULL, -1, NULL, SUM("N") FROM "V" WHERE "S" IS NULL GROUP BY "P"`,
        `ORDER BY 2, 1, 3`,
      ].join('\n'),
      binds: [...filter.binds, String(batchSize)],
    };
  }
  return {
    sql: [
      `WITH "V" AS (`,
      `  SELECT ${s} AS "S", COUNT(*) AS "N" FROM ${ref}${filter.where} GROUP BY 1`,
      `), "B" AS (`,
      `  SELECT "S", "N",`,
      `         FLOOR((SUM("N") OVER (ORDER BY "S" ${running}) - "N") / ?) AS "BUCKET"`,
      `  FROM "V" WHERE "S" IS NOT NULL`,
      `)`,
      `SELECT "BUCKET", ${splitLow}, SUM("N") AS "ROW_COUNT"`,
      `FROM "B" GROUP BY "BUCKET"`,
      `UNION ALL`,
      `SELECT -1, NULL, SUM("N") FROM "V" WHERE "S" IS NULL`,
      `ORDER BY 1`,
    ].join('\n'),
    binds: [...filter.binds, String(batchSize)],
  };
}

export interface ChunkStatementOptions {
  partition?: SourceColumn;
  split: SourceColumn;
  range: ChunkRange;
  snapshot?: Snapshot;
  /** The watermark filter the chunk was planned with. */
  since?: WatermarkFilter;
}

/**
 * 6. One chunk's rows, each rendered by Snowflake as one COPY-text line. A range unbounded on both
 * sides still excludes NULL split values: those rows are a chunk of their own.
 */
export function chunkStatement(table: SourceTable, columns: readonly SourceColumn[], options: ChunkStatementOptions): Statement {
  const { partition, split, range } = options;
  const predicates: string[] = [];
  const binds: string[] = [];
  const bounded = (column: SourceColumn, operator: string, value: string) => {
    predicates.push(`${quoteIdent(column.name)} ${operator} CAST(? AS ${boundaryCastType(column)})`);
    binds.push(value);
  };

  if (partition) {
    if (range.partitionIsNull) predicates.push(`${quoteIdent(partition.name)} IS NULL`);
    else if (range.partitionValue !== null) bounded(partition, '=', range.partitionValue);
    else throw new Error('chunkStatement: a partitioned table needs a partition value or partitionIsNull');
  } else if (range.partitionIsNull || range.partitionValue !== null) {
    throw new Error('chunkStatement: the range names a partition but the table has no partition column');
  }

  const s = quoteIdent(split.name);
  if (range.splitIsNull) predicates.push(`${s} IS NULL`);
  else {
    if (range.splitLow !== null) bounded(split, '>=', range.splitLow);
    if (range.splitHigh !== null) bounded(split, '<', range.splitHigh);
    if (range.splitLow === null && range.splitHigh === null) predicates.push(`${s} IS NOT NULL`);
  }
  if (options.since) {
    const since = watermarkPredicate(options.since);
    predicates.push(since.sql);
    binds.push(since.bind);
  }

  return {
    sql: `SELECT ${renderRow(columns)} AS "ROW" FROM ${tableReference(table, options.snapshot)} WHERE ${predicates.join(' AND ')}`,
    binds,
  };
}

/** 7. The highest watermark at the snapshot (among the rows an incremental load reads): how far a run gets. */
export function watermarkStatement(table: SourceTable, column: SourceColumn, snapshot?: Snapshot): Statement {
  return { sql: `SELECT ${boundaryText(column, `MAX(${quoteIdent(column.name)})`)} AS "WATERMARK" FROM ${tableReference(table, snapshot)}`, binds: [] };
}
