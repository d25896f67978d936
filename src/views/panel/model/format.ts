// How the panel writes numbers, rates and durations: short, and the same everywhere on it.

const UNITS = ['', 'k', 'M', 'G', 'T'] as const;

/** 950, 12.3k, 4.56M: three significant digits at most. */
export function formatCount(n: number): string {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${UNITS[unit]}`;
}

export function formatMegabytesPerSecond(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1048576;
  return `${mb >= 100 ? mb.toFixed(0) : mb.toFixed(1)} MB/s`;
}

/** 45s, 12m 05s, 3h 12m, 2d 4h. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A chunk's split range as the seed's users wrote it in their status queries. */
export function formatSplitRange(low: string | null, high: string | null, isNull: boolean): string {
  if (isNull) return 'split value NULL';
  return `${low ?? '−∞'} ≤ split < ${high ?? '+∞'}`;
}
