// Watermarks of incremental loads. A run reads MAX(target_watermark) from the target, steps back
// by the look-back window (computed in PostgreSQL, in the column's own type), and plans only the
// source rows at or past that bound. It records the bound and the highest source watermark at the
// plan's snapshot ("reached") with the run, so a resume reads exactly the rows the plan counted.
import pg from 'pg';
import type { ResolvedTable } from '../config';
import { DefinitionError } from '../errors';
import { describeTable, findColumn, watermarkStatement, type Snapshot, type SnowflakeSource, type SourceTable, type WatermarkFilter } from '../source';
import { qualifiedName, tableExists } from '../target';
import { targetErrorFrom } from '../pgErrors';
import type { SourceColumn } from '../types/model';

/** What an incremental table's run reads, stored in the run's options per table ordinal. */
export interface TableWatermark {
  /** The source watermark column. */
  column: string;
  /** Rows at or past this value are read; null: the target was empty, so the whole table (a full load). */
  from: string | null;
  /** MAX(source_watermark) at the snapshot: what the target holds once the run completes. */
  reached: string | null;
  /** MAX(target_watermark) before the run, and the look-back applied to it. */
  targetMax: string | null;
  lookbackSeconds: number;
}

const WATERMARK_TYPES = ['NUMBER', 'DATE', 'TIMESTAMP_NTZ', 'TEXT'] as const;

/** The PostgreSQL expression for `max - look-back`, as text the source casts back to its type. */
function lowerBoundSql(column: SourceColumn, target: string): string {
  switch (column.type) {
    case 'TIMESTAMP_NTZ':
      return `to_char(max(${target}) - make_interval(secs => $1), 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'DATE':
      return `to_char(max(${target}) - ceil($1 / 86400.0)::int, 'YYYY-MM-DD')`;
    case 'NUMBER':
      return `(max(${target}) - $1)::text`;
    default:
      // TEXT: no look-back (watermarkColumn insists on 0 seconds).
      return `max(${target})::text`;
  }
}

export function watermarkColumn(table: ResolvedTable, columns: readonly SourceColumn[], sourceTable: SourceTable): SourceColumn {
  const column = findColumn(columns, table.source_watermark ?? '', 'source_watermark', sourceTable);
  if (!(WATERMARK_TYPES as readonly string[]).includes(column.type)) {
    throw new DefinitionError(`source_watermark "${column.name}" has type ${column.type}; a watermark must be one of ${WATERMARK_TYPES.join(', ')}`, {
      table: describeTable(sourceTable),
      column: column.name,
      path: 'source_watermark',
    });
  }
  if (column.type === 'TEXT' && table.watermark_lookback_seconds > 0) {
    throw new DefinitionError(`source_watermark "${column.name}" is TEXT: a look-back in seconds cannot be subtracted from it; set watermark_lookback_seconds to 0`, {
      table: describeTable(sourceTable),
      column: column.name,
      path: 'watermark_lookback_seconds',
    });
  }
  return column;
}

/** MAX(target_watermark) and the lower bound it gives; both null when the target is missing or empty. */
export async function readTargetWatermark(pool: pg.Pool, table: ResolvedTable, column: SourceColumn): Promise<{ max: string | null; from: string | null }> {
  if (!(await tableExists(pool, table.target_schema, table.target_table))) return { max: null, from: null };
  const target = pg.escapeIdentifier(table.target_watermark ?? '');
  try {
    const { rows } = await pool.query<{ max: string | null; from: string | null }>(
      `SELECT max(${target})::text AS max, ${lowerBoundSql(column, target)} AS from FROM ${qualifiedName(table.target_schema, table.target_table)}`,
      column.type === 'TEXT' ? [] : [table.watermark_lookback_seconds],
    );
    return { max: rows[0]?.max ?? null, from: rows[0]?.from ?? null };
  } catch (err) {
    throw targetErrorFrom(err, `cannot read MAX(${table.target_watermark}) of ${table.name} (target_watermark)`, { table: table.name, column: table.target_watermark ?? undefined });
  }
}

/** MAX(source_watermark) at the snapshot, as text. */
export async function readSourceWatermark(source: SnowflakeSource, sourceTable: SourceTable, column: SourceColumn, snapshot: Snapshot | undefined): Promise<string | null> {
  const { sql, binds } = watermarkStatement(sourceTable, column, snapshot);
  const [row] = await source.execute<{ WATERMARK: unknown }>(sql, binds, { table: describeTable(sourceTable) });
  return row?.WATERMARK === null || row?.WATERMARK === undefined ? null : String(row.WATERMARK);
}

/** Everything an incremental table's plan needs: the filter its chunks read with, and what to record. */
export async function planWatermark(
  pool: pg.Pool,
  source: SnowflakeSource,
  table: ResolvedTable,
  sourceTable: SourceTable,
  columns: readonly SourceColumn[],
  snapshot: Snapshot | undefined,
): Promise<{ watermark: TableWatermark; since: WatermarkFilter | undefined }> {
  const column = watermarkColumn(table, columns, sourceTable);
  const target = await readTargetWatermark(pool, table, column);
  const reached = await readSourceWatermark(source, sourceTable, column, snapshot);
  return {
    watermark: { column: column.name, from: target.from, reached, targetMax: target.max, lookbackSeconds: table.watermark_lookback_seconds },
    since: target.from === null ? undefined : { column, from: target.from },
  };
}

/** The watermarks a run recorded, by table ordinal (none for a full load). */
export function runWatermarks(options: Record<string, unknown>): Record<string, TableWatermark> {
  return (options.watermarks as Record<string, TableWatermark> | undefined) ?? {};
}

/** The filter a run's chunks of one table read with, from what the run recorded. */
export function sinceOf(watermark: TableWatermark | undefined, columns: readonly SourceColumn[], sourceTable: SourceTable): WatermarkFilter | undefined {
  if (!watermark || watermark.from === null) return undefined;
  return { column: findColumn(columns, watermark.column, 'source_watermark', sourceTable), from: watermark.from };
}

/** One line for `thaw plan` and `thaw status`: which rows the run reads and how far it gets. */
export function describeWatermark(w: TableWatermark): string {
  const reads =
    w.from === null
      ? 'the target is empty: full load'
      : `rows with ${w.column} >= ${w.from} (target max ${w.targetMax ?? 'none'} minus ${w.lookbackSeconds} s look-back)`;
  return `watermark: ${reads}; reaches ${w.reached ?? 'nothing (no source rows)'}`;
}
