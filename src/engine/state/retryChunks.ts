// Puts failed chunks back in the queue with a fresh set of attempts: one chunk, the failed chunks
// of one table, or those of the whole run. A pending chunk waiting on its backoff is made due now.
// Completed and in-progress chunks are never touched: that would load their rows twice.
import { statusTables, type Queryable } from './db';

export interface RetryTarget {
  runId: string;
  chunkId?: number;
  tableOrdinal?: number;
}

/** Returns how many chunks were re-queued. The run itself is resumed by startRun. */
export async function retryChunks(db: Queryable, schema: string, target: RetryTarget): Promise<number> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH due AS (
       SELECT chunk_id, status FROM ${t.chunks}
       WHERE run_id = $1 AND ($2::int IS NULL OR chunk_id = $2) AND ($3::int IS NULL OR table_ordinal = $3)
         AND (status = 'failed' OR (status = 'pending' AND ($2::int IS NOT NULL OR next_attempt_at IS NOT NULL)))
       FOR UPDATE
     ), requeued AS (
       UPDATE ${t.chunks} c
       SET status = 'pending', attempts = 0, next_attempt_at = NULL
       FROM due
       WHERE c.run_id = $1 AND c.chunk_id = due.chunk_id
       RETURNING c.table_ordinal, due.status AS was
     ), per_table AS (
       SELECT table_ordinal, count(*) FILTER (WHERE was = 'failed')::int AS n FROM requeued GROUP BY table_ordinal
     ), counted AS (
       UPDATE ${t.tables} tb
       SET failed_chunks = tb.failed_chunks - p.n,
           status = CASE WHEN p.n = 0 THEN tb.status WHEN tb.started_at IS NULL THEN 'pending' ELSE 'in_progress' END,
           error = CASE WHEN p.n = 0 THEN tb.error END
       FROM per_table p
       WHERE tb.run_id = $1 AND tb.table_ordinal = p.table_ordinal
     )
     SELECT count(*) AS n FROM requeued`,
    [target.runId, target.chunkId ?? null, target.tableOrdinal ?? null],
  );
  return Number(rows[0]!.n);
}
