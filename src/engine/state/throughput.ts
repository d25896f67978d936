// The throughput chart of a run executed anywhere: rows per time bucket and the tuning changes
// made meanwhile, one query each (sql/views).
import type { RunTuning, ThroughputBucket } from '../../protocol/engine';
import { sqlFiles } from '../../generated/sql';
import type { Queryable } from './db';
import { withStatusSchema } from './migrate';

export async function readThroughput(db: Queryable, schema: string, runId: string, bucketSeconds: number): Promise<ThroughputBucket[]> {
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/run_throughput.sql'], schema), [runId, bucketSeconds]);
  return rows.map((r) => ({ t: Number(r.t), rows: Number(r.rows), bytes: Number(r.bytes), chunks: Number(r.chunks) }));
}

export async function readTunings(db: Queryable, schema: string, runId: string): Promise<RunTuning[]> {
  const { rows } = await db.query(withStatusSchema(sqlFiles['views/run_tunings.sql'], schema), [runId]);
  return rows.map((r) => ({ t: Number(r.t), threads: Number(r.parallel_threads), batchSize: Number(r.batch_size) }));
}
