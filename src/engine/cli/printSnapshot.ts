// `thaw plan`'s snapshot lines: how chunks read the snapshot, and the retention and estimate
// behind that choice.
import type { PlanReport, SnapshotPlan } from '../../protocol/engine';
import { formatDuration } from './progressView';

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

function reasonText(s: SnapshotPlan, estimateSeconds: number | null): string {
  const retention = `${s.retentionTable} keeps Time Travel for ${days(s.retentionDays)} (DATA_RETENTION_TIME_IN_DAYS)`;
  const estimate = estimateSeconds === null ? 'unknown' : formatDuration(estimateSeconds);
  const unresumable = 'a run unfinished by then cannot be resumed (set "snapshot": "clone" to allow that)';
  switch (s.reason) {
    case 'configured':
      if (s.mode === 'clone') return `"snapshot": "clone" in the config; ${retention}`;
      return estimateSeconds !== null && estimateSeconds >= s.retentionDays * 86_400
        ? `"snapshot": "time_travel" in the config, but the estimate (${estimate}) passes it: ${retention}; ${unresumable}`
        : `"snapshot": "time_travel" in the config; ${retention}: ${unresumable}`;
    case 'estimate_passes_retention':
      return `auto: the estimate (${estimate}) passes the retention: ${retention}; clones do not expire`;
    case 'estimate_fits_retention':
      return `auto: the estimate (${estimate}) fits in the retention: ${retention}; ${unresumable}`;
    case 'no_estimate':
      return `auto: no estimate yet; ${retention}: ${unresumable}`;
  }
}

export function snapshotLines(plan: PlanReport): string[] {
  if (!plan.sourceTime) return ['snapshot: off (chunks read the live source)'];
  const s = plan.snapshot;
  if (!s) return [`snapshot: every chunk reads the source as of ${plan.sourceTime}`];
  const how =
    s.mode === 'clone'
      ? `snapshot: every chunk reads a zero-copy clone of its table as of ${plan.sourceTime}, dropped when the run completes or is abandoned`
      : `snapshot: every chunk reads the source as of ${plan.sourceTime} through Time Travel`;
  return [how, `  ${reasonText(s, plan.estimateSeconds)}`, ...(s.clones.length > 0 ? [`  clones: ${s.clones.join(', ')}`] : [])];
}
