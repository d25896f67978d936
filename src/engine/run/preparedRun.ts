// A run made ready to execute by start, resume or retry: what the executor needs from it.
import type { Snapshot } from '../source';
import type { RunTable } from './runTables';

export interface PreparedRun {
  runId: string;
  tables: Map<number, RunTable>;
  snapshot: Snapshot | undefined;
  chunks: number;
  rows: number;
  resumed: boolean;
}
