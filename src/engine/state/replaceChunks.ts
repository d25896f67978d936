// Re-planning with a new batch size: a table none of whose chunks was ever claimed gets a new set
// of chunks. Done in one transaction that locks the table's chunks, so a worker cannot claim one
// of the old chunks while they are replaced (it skips them, then finds the new ones).
import type pg from 'pg';
import type { ChunkRange } from '../types/model';
import { insertChunks } from './createRun';
import { inTransaction, statusTables } from './db';

/** Returns false (and changes nothing) when a chunk of the table was claimed in the meantime. */
export async function replaceUnclaimedChunks(client: pg.ClientBase, schema: string, runId: string, tableOrdinal: number, chunks: ChunkRange[]): Promise<boolean> {
  const t = statusTables(schema);
  return inTransaction(client, async () => {
    const locked = await client.query(`SELECT attempts, status FROM ${t.chunks} WHERE run_id = $1 AND table_ordinal = $2 FOR UPDATE`, [runId, tableOrdinal]);
    if (locked.rows.some((r) => Number(r.attempts) > 0 || r.status !== 'pending')) return false;
    await client.query(`DELETE FROM ${t.chunks} WHERE run_id = $1 AND table_ordinal = $2`, [runId, tableOrdinal]);
    const { rows } = await client.query(`SELECT coalesce(max(chunk_id), 0) AS last FROM ${t.chunks} WHERE run_id = $1`, [runId]);
    await insertChunks(client, schema, runId, tableOrdinal, Number(rows[0]!.last) + 1, chunks);
    await client.query(`UPDATE ${t.tables} SET total_chunks = $3, total_rows = $4 WHERE run_id = $1 AND table_ordinal = $2`, [
      runId,
      tableOrdinal,
      chunks.length,
      chunks.reduce((n, c) => n + c.rows, 0),
    ]);
    return true;
  });
}
