// How numbers, rates and durations read in the tree and the summaries: short, the way a person
// says them ("12.3k rows/s", "ETA 3h12m"). Pure: unit-tested in plain Node.
import type { RunState } from '../protocol/states';

/** 950 → "950", 12_345 → "12.3k", 3_400_000 → "3.4M", 1_200_000_000 → "1.2B". */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  const units: Array<[number, string]> = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = n / size;
      return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))}${suffix}`;
    }
  }
  return String(Math.round(n));
}

export function formatRate(rowsPerSecond: number): string {
  return `${formatCount(rowsPerSecond)} rows/s`;
}

/** 11_520 → "3h12m", 281 → "4m41s", 23 → "23s"; days for very long loads. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

export const RUN_STATE_LABELS: Record<RunState, string> = {
  pending: 'planned',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
  stopped: 'stopped',
  abandoned: 'abandoned',
};

/** A timestamp as local "HH:MM" when it is today, "Dec 1 HH:MM" otherwise. */
export function formatStartTime(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  const hm = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
  if (t.toDateString() === now.toDateString()) return hm;
  return `${t.toLocaleString('en-US', { month: 'short' })} ${t.getDate()} ${hm}`;
}
