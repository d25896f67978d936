// Puts failed chunks back in the queue with a fresh set of attempts: one chunk, the failed chunks
// of one table, or those of the whole run. A pending chunk waiting on its backoff is made due now.
// Completed and in-progress chunks are never touched: that would load their rows twice. Tables
// whose failed chunks come back are counted again by the trigger of sql/migrations/000002.
import { statusTables, type Queryable } from './db';

export interface RetryTarget {
  runId: string;
  chunkId?: number;
  /** Several chunks at once (the progress panel's "Retry all" of the chunks one error failed). */
  chunkIds?: number[];
  tableOrdinal?: number;
}

/** A chunk put back in the queue: pending, with no attempt used. */
export interface RequeuedChunk {
  chunkId: number;
  tableOrdinal: number;
}

/** Returns the chunks re-queued, in chunk order. The run itself is resumed by startRun. */
export async function retryChunks(db: Queryable, schema: string, target: RetryTarget): Promise<RequeuedChunk[]> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH due AS (
       SELECT chunk_id FROM ${t.chunks}
       WHERE run_id = $1 AND ($2::int IS NULL OR chunk_id = $2) AND ($3::int IS NULL OR table_ordinal = $3)
         AND ($4::int[] IS NULL OR chunk_id = ANY($4))
         AND (status = 'failed' OR (status = 'pending' AND ($2::int IS NOT NULL OR $4::int[] IS NOT NULL OR next_attempt_at IS NOT NULL)))
       FOR UPDATE
     ), requeued AS (
       UPDATE ${t.chunks} c
       SET status = 'pending', attempts = 0, next_attempt_at = NULL
       FROM due
       WHERE c.run_id = $1 AND c.chunk_id = due.chunk_id
       RETURNING c.chunk_id, c.table_ordinal
     )
     SELECT chunk_id, table_ordinal FROM requeued ORDER BY chunk_id`,
    [target.runId, target.chunkId ?? null, target.tableOrdinal ?? null, target.chunkIds ?? null],
  );
  return rows.map((r) => ({ chunkId: Number(r.chunk_id), tableOrdinal: Number(r.table_ordinal) }));
}
