// How a run's chunks read its snapshot: AT(TIMESTAMP) on each table (Time Travel), or a zero-copy
// clone made at plan time. Time Travel lasts only the table's DATA_RETENTION_TIME_IN_DAYS (1 day by
// default, the maximum on Standard edition); a run unfinished by then can no longer read its
// snapshot. `auto` takes the clone when the run's estimate passes the shortest retention.
import type { SnapshotMode } from '../config/schema';

export interface TableRetention {
  /** `SCHEMA.TABLE` in Snowflake. */
  table: string;
  days: number;
}

export type SnapshotReason =
  /** The config names the mode. */
  | 'configured'
  /** auto: the estimate passes the shortest retention. */
  | 'estimate_passes_retention'
  /** auto: the estimate fits in the shortest retention. */
  | 'estimate_fits_retention'
  /** auto: no earlier run to estimate from. */
  | 'no_estimate';

export interface SnapshotChoice {
  mode: 'time_travel' | 'clone';
  reason: SnapshotReason;
  /** The shortest retention among the run's tables, and its table. */
  retentionDays: number;
  retentionTable: string;
  estimateSeconds: number | null;
}

const DAY_SECONDS = 86_400;

export function shortestRetention(retentions: readonly TableRetention[]): TableRetention {
  if (retentions.length === 0) throw new Error('shortestRetention: no tables');
  return retentions.reduce((a, b) => (b.days < a.days ? b : a));
}

export function chooseSnapshot(mode: SnapshotMode, estimateSeconds: number | null, retentions: readonly TableRetention[]): SnapshotChoice {
  const shortest = shortestRetention(retentions);
  const base = { retentionDays: shortest.days, retentionTable: shortest.table, estimateSeconds };
  if (mode !== 'auto') return { ...base, mode, reason: 'configured' };
  if (estimateSeconds === null) return { ...base, mode: 'time_travel', reason: 'no_estimate' };
  return estimateSeconds >= shortest.days * DAY_SECONDS
    ? { ...base, mode: 'clone', reason: 'estimate_passes_retention' }
    : { ...base, mode: 'time_travel', reason: 'estimate_fits_retention' };
}
