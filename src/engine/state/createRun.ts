// Records a planned run — the run, its tables and every chunk — in one transaction, so a run
// either exists with its whole plan or not at all. Chunks go in with one INSERT ... SELECT FROM
// unnest(arrays) per slice: ~11k chunks of a 272M-row table take one round trip, not 11k.
import type pg from 'pg';
import { RefusedError } from '../errors';
import { newRunId } from './runId';
import type { ChunkRange, ColumnMapping } from '../types/model';
import { inTransaction, statusTables } from './db';
import { toRunRecord, type RunRecord } from './records';

export interface NewRunTable {
  sourceTable: string;
  targetSchema: string;
  targetTable: string;
  partitionColumn: string | null;
  splitColumn: string | null;
  primaryKey: string[];
  columnMappings: ColumnMapping[];
  /** Thaw creates the target table (it did not exist), so it adds the primary key after the load. */
  createdTable: boolean;
  chunks: ChunkRange[];
}

export interface NewRun {
  /** Given by the caller (a plan shown to the user first), or made here. */
  runId?: string;
  configHash: string;
  configPath: string | null;
  snapshotAt: Date | null;
  parallelThreads: number;
  batchSize: number;
  options?: Record<string, unknown>;
  tables: NewRunTable[];
}

/** Rows per INSERT: keeps each statement's parameter arrays to a few megabytes. */
const CHUNK_SLICE = 20_000;

/**
 * Creates the run in state `pending`. Tables get ordinals 1..n in the given order; chunks get ids
 * 1..N across the run in table order, so claiming by id honours table order. A table without
 * chunks (an empty source) is `completed` from the start.
 */
export async function createRun(client: pg.ClientBase, schema: string, run: NewRun): Promise<RunRecord> {
  const t = statusTables(schema);
  return inTransaction(client, async () => {
    const record = await insertRun(client, t.runs, run);
    let chunkId = 0;
    for (const [index, table] of run.tables.entries()) {
      const ordinal = index + 1;
      const totalRows = table.chunks.reduce((sum, c) => sum + c.rows, 0);
      await client.query(
        `INSERT INTO ${t.tables} (run_id, table_ordinal, source_table, target_schema, target_table, config_hash,
           partition_column, split_column, primary_key, status, total_chunks, total_rows, column_mappings,
           created_table, warnings, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           CASE WHEN $10 = 'completed' THEN now() END)`,
        [
          record.runId,
          ordinal,
          table.sourceTable,
          table.targetSchema,
          table.targetTable,
          run.configHash,
          table.partitionColumn,
          table.splitColumn,
          table.primaryKey,
          table.chunks.length === 0 ? 'completed' : 'pending',
          table.chunks.length,
          totalRows,
          JSON.stringify(table.columnMappings),
          table.createdTable,
          mappingWarnings(table.columnMappings),
        ],
      );
      await insertChunks(client, schema, record.runId, ordinal, chunkId + 1, table.chunks);
      chunkId += table.chunks.length;
    }
    return record;
  });
}

/** The column decisions that change values, one line per warning, naming the target column. */
export function mappingWarnings(mappings: readonly ColumnMapping[]): string[] {
  return mappings.flatMap((m) => m.warnings.map((w) => `column ${m.targetName}: ${w}`));
}

/** Inserts the run row; a made-up id that collides (same second, same 16 random bits) is redrawn. */
async function insertRun(client: pg.ClientBase, runsTable: string, run: NewRun): Promise<RunRecord> {
  for (;;) {
    const runId = run.runId ?? newRunId();
    const { rows } = await client.query(
      `INSERT INTO ${runsTable} (run_id, config_hash, config_path, snapshot_at, parallel_threads, batch_size, options)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (run_id) DO NOTHING
       RETURNING *`,
      [runId, run.configHash, run.configPath, run.snapshotAt, run.parallelThreads, run.batchSize, JSON.stringify(run.options ?? {})],
    );
    if (rows[0]) return toRunRecord(rows[0]);
    if (run.runId) throw new RefusedError(`run ${run.runId} already exists`, { runId: run.runId });
  }
}

/** Inserts chunks with ids firstId, firstId+1, ... in slices of one INSERT ... SELECT FROM unnest each. */
export async function insertChunks(
  client: pg.ClientBase,
  schema: string,
  runId: string,
  tableOrdinal: number,
  firstId: number,
  chunks: ChunkRange[],
): Promise<void> {
  const t = statusTables(schema);
  for (let start = 0; start < chunks.length; start += CHUNK_SLICE) {
    const slice = chunks.slice(start, start + CHUNK_SLICE);
    await client.query(
      `INSERT INTO ${t.chunks} (run_id, table_ordinal, chunk_id, partition_is_null, partition_value,
         split_is_null, split_low, split_high, rows_expected)
       SELECT $1, $2, u.* FROM unnest($3::int[], $4::boolean[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::bigint[])
         AS u(chunk_id, partition_is_null, partition_value, split_is_null, split_low, split_high, rows_expected)`,
      [
        runId,
        tableOrdinal,
        slice.map((_, i) => firstId + start + i),
        slice.map((c) => c.partitionIsNull),
        slice.map((c) => c.partitionValue),
        slice.map((c) => c.splitIsNull),
        slice.map((c) => c.splitLow),
        slice.map((c) => c.splitHigh),
        slice.map((c) => c.rows),
      ],
    );
  }
}
