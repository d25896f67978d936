// Re-planning with a new batch size: chunks never claimed are replaced by a new cut of the same
// rows. Done in one transaction that locks the chunks, so no worker claims one of the old chunks
// while they are replaced (it skips them, then finds the new ones).
import type pg from 'pg';
import type { ChunkRange } from '../types/model';
import { insertChunks } from './createRun';
import { inTransaction, statusTables, type Queryable } from './db';

/**
 * Replaces `oldChunkIds` of one table by `chunks` (new ids after the run's last). Returns false,
 * changing nothing, when one of the old chunks was claimed in the meantime.
 */
export async function replaceUnclaimedChunks(
  client: pg.ClientBase,
  schema: string,
  runId: string,
  tableOrdinal: number,
  oldChunkIds: readonly number[],
  chunks: ChunkRange[],
): Promise<boolean> {
  const t = statusTables(schema);
  return inTransaction(client, async () => {
    const locked = await client.query(
      `SELECT attempts, status, rows_expected FROM ${t.chunks} WHERE run_id = $1 AND table_ordinal = $2 AND chunk_id = ANY($3::int[]) FOR UPDATE`,
      [runId, tableOrdinal, oldChunkIds],
    );
    if (locked.rows.length !== oldChunkIds.length || locked.rows.some((r) => Number(r.attempts) > 0 || r.status !== 'pending')) return false;
    // Ids are never reused: the new chunks are numbered after every chunk the run ever had.
    const { rows } = await client.query(`SELECT coalesce(max(chunk_id), 0) AS last FROM ${t.chunks} WHERE run_id = $1`, [runId]);
    await client.query(`DELETE FROM ${t.chunks} WHERE run_id = $1 AND chunk_id = ANY($2::int[])`, [runId, oldChunkIds]);
    await insertChunks(client, schema, runId, tableOrdinal, Number(rows[0]!.last) + 1, chunks);
    const oldRows = locked.rows.reduce((n, r) => n + Number(r.rows_expected), 0);
    await client.query(
      `UPDATE ${t.tables} SET total_chunks = total_chunks + $3, total_rows = total_rows + $4 WHERE run_id = $1 AND table_ordinal = $2`,
      [runId, tableOrdinal, chunks.length - oldChunkIds.length, chunks.reduce((n, c) => n + c.rows, 0) - oldRows],
    );
    return true;
  });
}

/**
 * Keeps workers off unclaimed chunks while they are re-planned (they skip chunks not yet due).
 * The hold lapses by itself after `seconds`, should the re-planning process die. Returns the ids
 * actually held: those still unclaimed.
 */
export async function holdUnclaimedChunks(db: Queryable, schema: string, runId: string, chunkIds: readonly number[], seconds: number): Promise<number[]> {
  const { rows } = await db.query<{ chunk_id: number }>(
    `UPDATE ${statusTables(schema).chunks} SET next_attempt_at = now() + make_interval(secs => $3)
     WHERE run_id = $1 AND chunk_id = ANY($2::int[]) AND status = 'pending' AND attempts = 0
     RETURNING chunk_id`,
    [runId, chunkIds, seconds],
  );
  return rows.map((r) => Number(r.chunk_id));
}

/** Lets workers claim held chunks again (a re-plan that did not replace them). */
export async function releaseHeldChunks(db: Queryable, schema: string, runId: string, chunkIds: readonly number[]): Promise<void> {
  await db.query(
    `UPDATE ${statusTables(schema).chunks} SET next_attempt_at = NULL
     WHERE run_id = $1 AND chunk_id = ANY($2::int[]) AND status = 'pending' AND attempts = 0`,
    [runId, chunkIds],
  );
}
