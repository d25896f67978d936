// Hands the next chunk of a run to a worker. FOR UPDATE SKIP LOCKED lets any number of workers
// claim at once without waiting on each other or getting the same chunk; the claim's attempt
// number is the fence the loader's completion checks.
import { statusTables, type Queryable } from './db';
import { toChunkRecord, type ChunkRecord } from './records';

/**
 * Claims the first pending chunk (table order, then chunk order) whose backoff has passed, of a
 * run that is in progress and not asked to stop. Returns null when there is none right now.
 * The chunk's table becomes `in_progress` with its first claim (sql/migrations/000002's trigger).
 */
export async function claimChunk(db: Queryable, schema: string, runId: string, workerId: string): Promise<ChunkRecord | null> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH next AS (
       SELECT c.run_id, c.chunk_id
       FROM ${t.chunks} c
       WHERE c.run_id = $1 AND c.status = 'pending' AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= now())
         AND EXISTS (SELECT 1 FROM ${t.runs} r WHERE r.run_id = $1 AND r.status = 'in_progress' AND NOT r.stop_requested)
       ORDER BY c.table_ordinal, c.chunk_id
       LIMIT 1
       FOR UPDATE OF c SKIP LOCKED
     ), claimed AS (
       UPDATE ${t.chunks} c
       SET status = 'in_progress', attempts = c.attempts + 1, worker_id = $2, started_at = now(), heartbeat_at = now(),
           next_attempt_at = NULL, completed_at = NULL
       FROM next
       WHERE c.run_id = next.run_id AND c.chunk_id = next.chunk_id
       RETURNING c.*
     )
     SELECT * FROM claimed`,
    [runId, workerId],
  );
  return rows[0] ? toChunkRecord(rows[0]) : null;
}
