// A claim whose answer was lost (the connection broke after the claim committed) leaves a chunk
// `in_progress` under a worker that does not know it holds it, and whose heartbeat keeps it from
// ever being taken back. Each worker therefore hands back, on every beat, the chunks recorded as
// its own that it is not loading.
import { statusTables, type Queryable } from './db';
import type { ChangedChunk } from './workers';

/** Returns the chunks put back to pending, in chunk order. */
export async function releaseOrphanedChunks(
  db: Queryable,
  schema: string,
  runId: string,
  workerId: string,
  loadingChunkIds: readonly number[],
): Promise<ChangedChunk[]> {
  const { rows } = await db.query<{ chunk_id: number; table_ordinal: number; attempts: number; last_error: string }>(
    `UPDATE ${statusTables(schema).chunks}
     SET status = 'pending', last_error = 'claim answer lost on the way to worker ' || worker_id, next_attempt_at = NULL
     WHERE run_id = $1 AND worker_id = $2 AND status = 'in_progress' AND chunk_id <> ALL($3::int[])
     RETURNING chunk_id, table_ordinal, attempts, last_error`,
    [runId, workerId, loadingChunkIds],
  );
  return rows
    .map((r): ChangedChunk => ({ chunkId: Number(r.chunk_id), tableOrdinal: Number(r.table_ordinal), status: 'pending', attempts: Number(r.attempts), error: r.last_error }))
    .sort((a, b) => a.chunkId - b.chunkId);
}
