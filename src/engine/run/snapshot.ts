// The plan's Time-Travel point travels as text in SQL (`YYYY-MM-DD HH24:MI:SS.FFF +00:00`) and is
// stored as a timestamptz in migration_runs.snapshot_at; both hold milliseconds, so it round-trips.
import type { Snapshot } from '../source';
import type { RunRecord } from '../state';

export function snapshotToDate(snapshot: Snapshot): Date {
  return new Date(`${snapshot.slice(0, 10)}T${snapshot.slice(11, 23)}Z`);
}

export function snapshotOf(run: RunRecord): Snapshot | undefined {
  if (!run.snapshotAt) return undefined;
  return `${run.snapshotAt.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
}
