// A run made ready to execute by start, resume or retry: what the executor needs from it.
import type { Snapshot } from '../source';
import type { RunTable } from './runTables';

/** A target table `truncate_onstart` emptied as the run started. */
export interface Truncation {
  /** `target_schema.target_table`. */
  table: string;
  rows: number;
}

export interface PreparedRun {
  runId: string;
  tables: Map<number, RunTable>;
  snapshot: Snapshot | undefined;
  chunks: number;
  rows: number;
  resumed: boolean;
  /**
   * Joined by `thaw worker`: when this worker is stopped (Ctrl-C, SIGTERM, a pod evicted) it only
   * leaves, and the run stays in progress for the other workers or the next one to join.
   */
  joined?: boolean;
  truncated?: Truncation[];
}
