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

export interface ChunkLoaded {
  rows: number;
  bytes: number;
  /** Rows whose U+0000 characters were stripped on the way (on_nul_character: "strip"). */
  nulStrippedRows?: number;
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
  loaded: ChunkLoaded,
): Promise<ChunkCompletion> {
  const t = statusTables(schema);
  const done = await client.query<{ table_ordinal: number }>(
    `UPDATE ${t.chunks}
     SET status = 'completed', rows_loaded = $5, bytes_loaded = $6, nul_stripped_rows = $7,
         -- The commit is moments away; now() would be when the COPY began.
         completed_at = clock_timestamp(), heartbeat_at = now(),
         next_attempt_at = NULL
     WHERE run_id = $1 AND chunk_id = $2 AND status = 'in_progress' AND worker_id = $3 AND attempts = $4
     RETURNING table_ordinal`,
    [claim.runId, claim.chunkId, claim.workerId, claim.attempt, loaded.rows, loaded.bytes, loaded.nulStrippedRows ?? 0],
  );
  const row = done.rows[0];
  if (!row) {
    throw new ChunkLeaseLostError(
      `chunk ${claim.chunkId} is no longer held by worker ${claim.workerId} (attempt ${claim.attempt}): another worker or a stop took it back`,
      { runId: claim.runId, chunkId: claim.chunkId },
    );
  }
  // The table's counters and state were moved on by the trigger of sql/migrations/000002.
  const table = await client.query<{ status: TableState }>(`SELECT status FROM ${t.tables} WHERE run_id = $1 AND table_ordinal = $2`, [
    claim.runId,
    row.table_ordinal,
  ]);
  return { tableOrdinal: Number(row.table_ordinal), tableStatus: table.rows[0]!.status };
}
