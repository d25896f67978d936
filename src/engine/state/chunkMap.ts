// Every chunk of a run for the progress panel's map, in one query. Partitions come in plan order
// (their lowest chunk id) and chunks within a partition in chunk order, which is split order: the
// planner numbers them so, and a re-cut tail gets higher ids than the chunks before it.
import type { ChunkMap } from '../../protocol/engine';
import { emptyChunkMap } from '../../protocol/panel';
import type { ChunkState } from './states';
import { statusTables, type Queryable } from './db';

export async function readChunkMap(db: Queryable, schema: string, runId: string): Promise<ChunkMap> {
  const { rows } = await db.query(
    `SELECT chunk_id, table_ordinal, partition_is_null, partition_value, split_is_null, split_low, split_high,
            rows_expected, status, attempts, last_error, error_code,
            (extract(epoch FROM coalesce(completed_at, CASE WHEN status = 'in_progress' THEN now() END) - started_at) * 1000)::bigint
              AS duration_ms
     FROM ${statusTables(schema).chunks}
     WHERE run_id = $1
     ORDER BY table_ordinal,
              min(chunk_id) OVER (PARTITION BY table_ordinal, partition_is_null, partition_value),
              chunk_id`,
    [runId],
  );
  const map = emptyChunkMap(runId);
  let partitionKey: string | undefined;
  for (const [index, r] of rows.entries()) {
    const key = `${r.table_ordinal}\u0000${r.partition_is_null}\u0000${r.partition_value}`;
    if (key !== partitionKey) {
      partitionKey = key;
      map.partitions.push({ tableOrdinal: r.table_ordinal, value: r.partition_value, isNull: r.partition_is_null });
    }
    map.chunkIds.push(r.chunk_id);
    map.tableOrdinals.push(r.table_ordinal);
    map.partitionIndex.push(map.partitions.length - 1);
    map.splitLow.push(r.split_low);
    map.splitHigh.push(r.split_high);
    map.splitIsNull.push(r.split_is_null);
    map.rowsExpected.push(Number(r.rows_expected));
    map.status.push(r.status as ChunkState);
    map.attempts.push(r.attempts);
    map.durationMs.push(r.duration_ms === null ? null : Number(r.duration_ms));
    if (r.last_error !== null) map.errors.push({ index, message: r.last_error, code: r.error_code });
  }
  return map;
}
