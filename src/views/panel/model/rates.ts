// How fast, and how long still: current and average rates and the ETA, from cumulative samples
// and throughput buckets. Rates follow src/protocol/progress.ts (rows in a window over the time
// the run was really running), so the panel, the status bar and the CLI agree on what a rate is.
import type { ProgressSample } from '../../../protocol/panel';
import { etaSeconds, rowsPerSecond } from '../../../protocol/progress';

/** Samples further apart than this belong to different running stretches (a stop and a resume). */
export const SEGMENT_GAP_MS = 15_000;
/** The "current" rate: what the run does right now. */
export const CURRENT_WINDOW_SECONDS = 10;
/** The ETA's rate: long enough that one burst of chunk completions does not swing it. */
export const ETA_WINDOW_SECONDS = 60;
/** Before this much running time, or before any rows land in the window, the ETA says "estimating…". */
export const ETA_SETTLE_SECONDS = 20;
/** In throughput buckets, a silence longer than this is a stop, not slow progress. */
export const IDLE_GAP_SECONDS = 120;

/** The trailing samples of the current running stretch (after the last stop/resume gap). */
export function currentSegment(samples: readonly ProgressSample[]): ProgressSample[] {
  let start = samples.length - 1;
  while (start > 0 && samples[start]!.t - samples[start - 1]!.t <= SEGMENT_GAP_MS) start--;
  return samples.slice(Math.max(0, start));
}

export interface WindowRate {
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** Seconds the current stretch has been running (what the window is capped by). */
  runningSeconds: number;
  rowsInWindow: number;
}

/** Rows and bytes per second over the last `windowSeconds` of the current running stretch. */
export function windowRate(samples: readonly ProgressSample[], windowSeconds: number): WindowRate {
  const segment = currentSegment(samples);
  const last = segment[segment.length - 1];
  const first = segment[0];
  if (!last || !first) return { rowsPerSecond: 0, bytesPerSecond: 0, runningSeconds: 0, rowsInWindow: 0 };
  const runningSeconds = (last.t - first.t) / 1000;
  // The newest sample at or before the window's start; the segment's first when the window reaches past it.
  const from = last.t - windowSeconds * 1000;
  let base = first;
  for (const s of segment) {
    if (s.t > from) break;
    base = s;
  }
  const rowsInWindow = last.rows - base.rows;
  const bytesInWindow = last.bytes - base.bytes;
  const span = { windowSeconds: (last.t - base.t) / 1000, runningSeconds };
  return {
    rowsPerSecond: rowsPerSecond({ rowsInWindow, ...span }),
    bytesPerSecond: rowsPerSecond({ rowsInWindow: bytesInWindow, ...span }),
    runningSeconds,
    rowsInWindow,
  };
}

export interface AverageRate {
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** Seconds the run spent loading, over all its stretches. */
  activeSeconds: number;
}

/**
 * The average over the whole run, across resumes: rows of every completed chunk over the time the
 * run was loading. Silences longer than IDLE_GAP_SECONDS (a stop before a resume) do not count.
 */
export function averageRate(buckets: ReadonlyArray<{ t: number; rows: number; bytes: number }>, bucketSeconds: number): AverageRate {
  const loaded = buckets.filter((b) => b.rows > 0);
  if (loaded.length === 0) return { rowsPerSecond: 0, bytesPerSecond: 0, activeSeconds: 0 };
  let activeSeconds = bucketSeconds;
  for (let i = 1; i < loaded.length; i++) {
    const gap = (loaded[i]!.t - loaded[i - 1]!.t) / 1000;
    activeSeconds += gap <= IDLE_GAP_SECONDS ? gap : bucketSeconds;
  }
  const rows = loaded.reduce((n, b) => n + b.rows, 0);
  const bytes = loaded.reduce((n, b) => n + b.bytes, 0);
  return { rowsPerSecond: rows / activeSeconds, bytesPerSecond: bytes / activeSeconds, activeSeconds };
}

export type Eta = { kind: 'estimating' } | { kind: 'seconds'; seconds: number } | { kind: 'none' };

/**
 * The ETA from the rolling ETA_WINDOW_SECONDS rate. Until the stretch has run ETA_SETTLE_SECONDS
 * and rows have landed in the window it is "estimating", rather than a number that jumps.
 */
export function estimateEta(samples: readonly ProgressSample[], rowsLeft: number, running: boolean): Eta {
  if (!running) return { kind: 'none' };
  if (rowsLeft <= 0) return { kind: 'seconds', seconds: 0 };
  const rate = windowRate(samples, ETA_WINDOW_SECONDS);
  if (rate.runningSeconds < ETA_SETTLE_SECONDS || rate.rowsInWindow <= 0) return { kind: 'estimating' };
  const seconds = etaSeconds(rowsLeft, rate.rowsPerSecond, running);
  return seconds === null ? { kind: 'estimating' } : { kind: 'seconds', seconds };
}
