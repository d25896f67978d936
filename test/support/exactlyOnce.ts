// The exactly-once check shared by the crash, unload and scale-out tests of the demo table: every
// chunk completed with its planned rows, and no visit in the target twice.
import assert from 'node:assert/strict';
import type { Fixture } from './migration';

export async function assertDemoChunksLoadedOnce(fx: Fixture, runId: string, rows: number): Promise<void> {
  const [c] = await fx.query<{ chunks: string; completed: string; expected: string; loaded: string }>(
    `SELECT count(*) AS chunks, count(*) FILTER (WHERE status = 'completed') AS completed,
            sum(rows_expected) AS expected, sum(rows_loaded) AS loaded
     FROM migration_status.migration_chunk_status WHERE run_id = $1`,
    [runId],
  );
  assert.equal(c!.completed, c!.chunks, 'every chunk completed');
  assert.equal(c!.loaded, c!.expected, 'each chunk loaded exactly its planned rows');
  const [t] = await fx.query<{ rows: string; keys: string }>(
    `SELECT count(*) AS rows, count(DISTINCT visit_id) + count(*) FILTER (WHERE visit_id IS NULL) AS keys FROM analytics.factvisitcallperformance_cr`,
  );
  assert.equal(t!.rows, String(rows));
  assert.equal(t!.keys, t!.rows, 'no row twice');
}
