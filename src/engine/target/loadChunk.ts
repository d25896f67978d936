// Loads one chunk exactly once: its rows are COPYed and the chunk is marked completed (fenced on
// the worker's claim) in ONE transaction. Either both commit or neither does, so a crash, a failed
// stream, a wrong row count or a lost claim leaves the table without any of the chunk's rows and
// the chunk ready to be loaded again.
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataError, ThawError, type ErrorContext } from '../errors';
import { completeChunk } from '../state/completeChunk';
import type { TableState } from '../state/states';
import { CopyBatcher } from './copyBatcher';
import { targetErrorFrom } from '../pgErrors';
import { qualifiedName } from './targetTables';
import { createStage, mergeStage, type UpsertKey } from './upsertChunk';

export interface LoadChunkOptions {
  /** The status schema. */
  schema: string;
  runId: string;
  chunkId: number;
  /** The chunk's attempt number from its claim: the completion is fenced on it. */
  attempt: number;
  workerId: string;
  target: { schema: string; table: string; columns: string[] };
  /** Merge on the primary key through a staging table instead of appending (insert_only_mode false). */
  upsert?: UpsertKey;
  rowsExpected: number;
  /** COPY-text lines (Buffers or strings, each ending in \n), pulled as COPY can take them. */
  source: Readable;
  /** Rows whose U+0000 the source stripped, read once it has ended: recorded with the completion. */
  nulStrippedRows?: () => number;
  signal?: AbortSignal;
}

export interface ChunkLoadResult {
  rows: number;
  bytes: number;
  nulStrippedRows: number;
  tableOrdinal: number;
  /** The table's state after this chunk: `completed` when it was the table's last. */
  tableStatus: TableState;
}

export async function loadChunk(pool: pg.Pool, options: LoadChunkOptions): Promise<ChunkLoadResult> {
  const { target } = options;
  const name = qualifiedName(target.schema, target.table);
  const context: ErrorContext = { runId: options.runId, table: `${target.schema}.${target.table}`, chunkId: options.chunkId };
  const doing = `loading chunk ${options.chunkId} into ${name}`;
  options.signal?.throwIfAborted();

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    options.source.destroy();
    throw wrapped(err, doing, context);
  }
  // A connection that breaks mid-COPY also emits 'error' on the client; the failing query
  // reports it, and without a listener the event would end the process.
  const onBrokenConnection = () => undefined;
  client.on('error', onBrokenConnection);
  let failed = false;
  try {
    await client.query('BEGIN');
    const columns = target.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
    const into = options.upsert ? await createStage(client, name, target.columns) : name;
    const copy = client.query(copyFrom(`COPY ${into} (${columns}) FROM STDIN`));
    const batcher = new CopyBatcher();
    await pipeline(options.source, batcher, copy, options.signal ? { signal: options.signal } : {});
    const rows = copy.rowCount;
    if (rows !== options.rowsExpected) {
      throw new DataError(`chunk ${options.chunkId} of ${name} had ${rows} rows, the plan counted ${options.rowsExpected}`, context);
    }
    if (options.upsert) await mergeStage(client, name, target.columns, options.upsert, context);
    const nulStrippedRows = options.nulStrippedRows?.() ?? 0;
    const done = await completeChunk(
      client,
      options.schema,
      { runId: options.runId, chunkId: options.chunkId, workerId: options.workerId, attempt: options.attempt },
      { rows, bytes: batcher.bytes, nulStrippedRows },
    );
    await client.query('COMMIT');
    return { rows, bytes: batcher.bytes, nulStrippedRows, ...done };
  } catch (err) {
    failed = true;
    options.source.destroy();
    throw wrapped(err, doing, context);
  } finally {
    // After a failure the session may be mid-COPY or in an aborted transaction: close it rather
    // than return it to the pool. Closing rolls the transaction back on the server.
    client.off('error', onBrokenConnection);
    client.release(failed);
  }
}

function wrapped(err: unknown, doing: string, context: ErrorContext): unknown {
  if (err instanceof ThawError || (err instanceof Error && err.name === 'AbortError')) return err;
  return targetErrorFrom(err, doing, context);
}
