// Rows and bytes a run committed per time bucket, from its chunks' completion times, and the
// tuning changes made meanwhile: the throughput chart of a run executed anywhere (every worker's
// chunks count, every tune from any host is marked), one query each.
import type { RunTuning, ThroughputBucket } from '../../protocol/engine';
import { statusTables, type Queryable } from './db';

export async function readThroughput(db: Queryable, schema: string, runId: string, bucketSeconds: number): Promise<ThroughputBucket[]> {
  const { rows } = await db.query(
    `SELECT floor(extract(epoch FROM completed_at) / $2) * $2 * 1000 AS t,
            sum(rows_loaded) AS rows, coalesce(sum(bytes_loaded), 0) AS bytes, count(*) AS chunks
     FROM ${statusTables(schema).chunks}
     WHERE run_id = $1 AND status = 'completed'
     GROUP BY 1 ORDER BY 1`,
    [runId, bucketSeconds],
  );
  return rows.map((r) => ({ t: Number(r.t), rows: Number(r.rows), bytes: Number(r.bytes), chunks: Number(r.chunks) }));
}

/** The run's tuning changes, oldest first (migration_run_tunings, written by setTunables). */
export async function readTunings(db: Queryable, schema: string, runId: string): Promise<RunTuning[]> {
  const { rows } = await db.query(
    `SELECT (extract(epoch FROM tuned_at) * 1000)::bigint AS t, parallel_threads, batch_size
     FROM ${statusTables(schema).tunings} WHERE run_id = $1 ORDER BY tuning_id`,
    [runId],
  );
  return rows.map((r) => ({ t: Number(r.t), threads: Number(r.parallel_threads), batchSize: Number(r.batch_size) }));
}
