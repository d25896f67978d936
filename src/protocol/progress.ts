// The one definition of "how far" and "how fast" that the CLI, the progress bar, the tree, the
// status bar and the panel all show. Inputs come from the status tables (state/views readRunSummaries),
// so a run executed elsewhere reads the same as one this process executes.

/** Percent of `total` that `done` is, rounded down to 0.1 so that 100 means finished. Nothing to do is 100. */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((1000 * done) / total) / 10);
}

export interface RateInput {
  /** Rows of chunks completed within the window. */
  rowsInWindow: number;
  /** The window the rows were counted over, in seconds (60 by default). */
  windowSeconds: number;
  /** Seconds since the run (re)started running; the window never reaches back before it. */
  runningSeconds: number;
}

/** Rows per second over the recent window, never diluted by time before the run was running. */
export function rowsPerSecond(r: RateInput): number {
  const span = Math.min(r.windowSeconds, r.runningSeconds);
  return span > 0 ? r.rowsInWindow / span : 0;
}

/** Seconds left at `rate`; null when it cannot be known (not running, no rate yet). */
export function etaSeconds(rowsLeft: number, rate: number, running: boolean): number | null {
  if (!running) return null;
  if (rowsLeft <= 0) return 0;
  return rate > 0 ? Math.ceil(rowsLeft / rate) : null;
}
