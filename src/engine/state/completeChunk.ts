// Marks a chunk completed inside the transaction that loaded its rows, fenced on the claim: the
// update matches only while the chunk is still in progress for this worker and this attempt. A
// worker whose chunk was taken back (stale heartbeat, abandoned run) and who wakes up later
// matches nothing, and its whole transaction rolls back, rows included.
import type pg from 'pg';
import { ChunkLeaseLostError } from '../errors';
import { statusTables } from './db';
import type { TableState } from './states';

export interface ChunkClaim {
  runId: string;
  chunkId: number;
  workerId: string;
  /** The chunk's `attempts` as the claim returned it. */
  attempt: number;
}

export interface ChunkCompletion {
  tableOrdinal: number;
  /** The table's state after this chunk: `completed` when it was the table's last chunk. */
  tableStatus: TableState;
}

/** Must run in the caller's open transaction; throws ChunkLeaseLostError when the fence fails. */
export async function completeChunk(
  client: pg.ClientBase,
  schema: string,
  claim: ChunkClaim,
  loaded: { rows: number; bytes: number },
): Promise<ChunkCompletion> {
  const t = statusTables(schema);
  const { rows } = await client.query<{ table_ordinal: number; status: TableState }>(
    `WITH done AS (
       UPDATE ${t.chunks}
       SET status = 'completed', rows_loaded = $5, bytes_loaded = $6, completed_at = now(), heartbeat_at = now(),
           next_attempt_at = NULL
       WHERE run_id = $1 AND chunk_id = $2 AND status = 'in_progress' AND worker_id = $3 AND attempts = $4
       RETURNING table_ordinal
     )
     UPDATE ${t.tables} tb
     SET completed_chunks = tb.completed_chunks + 1,
         rows_loaded = tb.rows_loaded + $5,
         status = CASE WHEN tb.completed_chunks + 1 = tb.total_chunks THEN 'completed'
                       WHEN tb.completed_chunks + 1 + tb.failed_chunks = tb.total_chunks THEN 'failed'
                       ELSE tb.status END,
         completed_at = CASE WHEN tb.completed_chunks + 1 = tb.total_chunks THEN now() ELSE tb.completed_at END
     FROM done
     WHERE tb.run_id = $1 AND tb.table_ordinal = done.table_ordinal
     RETURNING tb.table_ordinal, tb.status`,
    [claim.runId, claim.chunkId, claim.workerId, claim.attempt, loaded.rows, loaded.bytes],
  );
  const row = rows[0];
  if (!row) {
    throw new ChunkLeaseLostError(
      `chunk ${claim.chunkId} is no longer held by worker ${claim.workerId} (attempt ${claim.attempt}): another worker or a stop took it back`,
      { runId: claim.runId, chunkId: claim.chunkId },
    );
  }
  return { tableOrdinal: Number(row.table_ordinal), tableStatus: row.status };
}
