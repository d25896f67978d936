// One chunk's rows as PostgreSQL COPY-text lines, pulled from Snowflake only as fast as the
// consumer (the COPY into PostgreSQL) takes them.
import { Readable } from 'node:stream';
import { DataError, type ErrorContext } from '../errors';
import type { ChunkRange, SourceColumn } from '../types/model';
import type { SnowflakeSource } from './connection';
import { describeTable } from './metadata';
import { findNuls } from './nulCharacters';
import { chunkStatement, type Snapshot, type SourceTable, type WatermarkFilter } from './sql';

/** What to do with U+0000, which PostgreSQL text cannot hold: fail the chunk, or drop the character. */
export type NulPolicy = 'error' | 'strip';

export interface StreamChunkOptions {
  table: SourceTable;
  /** Every column to move, in target order. */
  columns: readonly SourceColumn[];
  partition?: SourceColumn;
  split: SourceColumn;
  range: ChunkRange;
  snapshot?: Snapshot;
  /** An incremental load's watermark filter, as the chunk was planned. */
  since?: WatermarkFilter;
  /** Default `error`. */
  onNul?: NulPolicy;
  /** The column whose value names a row in errors (the first primary-key column); default the split column. */
  keyColumn?: SourceColumn;
  /** Added to every error's context (run id, chunk id). */
  context?: ErrorContext;
  /** Bytes of lines buffered ahead of the consumer (default 256 KiB). */
  highWaterMark?: number;
}

/** A Readable of Buffers, each one COPY line ending in `\n`, counting what has passed. */
export class ChunkLineStream extends Readable {
  /** Rows handed to the consumer's buffer so far. */
  rows = 0;
  /** Bytes of those rows, newlines included. */
  bytes = 0;
  /** NUL characters removed under the `strip` policy. */
  strippedNuls = 0;
  /** Rows that had NUL characters removed: what the chunk's completion records. */
  nulStrippedRows = 0;
  private readonly source: AsyncIterator<unknown>;
  private pumping = false;

  constructor(
    rows: Readable,
    private readonly toLine: (row: unknown) => string,
    highWaterMark: number,
  ) {
    super({ highWaterMark });
    this.source = rows[Symbol.asyncIterator]();
  }

  override _read(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const next = await this.source.next();
        if (this.destroyed) return;
        if (next.done) {
          this.push(null);
          return;
        }
        const line = Buffer.from(`${this.toLine(next.value)}\n`, 'utf8');
        this.rows++;
        this.bytes += line.length;
        if (!this.push(line)) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.pumping = false;
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    // Ending the driver's iterator destroys its row stream, so no more result chunks are fetched.
    const done = () => callback(err);
    const closing = this.source.return?.();
    if (closing) closing.then(done, done);
    else done();
  }
}

/** Runs the chunk statement and streams its rows as COPY lines. */
export function streamChunk(source: SnowflakeSource, options: StreamChunkOptions): ChunkLineStream {
  const { table, columns } = options;
  const tableName = describeTable(table);
  const { partition, split } = options;
  const keyName = (options.keyColumn ?? split).name;
  const keyIndex = columns.findIndex((c) => c.name === keyName);
  const context: ErrorContext = { ...options.context, table: tableName };

  const { sql, binds } = chunkStatement(table, columns, {
    split,
    range: options.range,
    ...(partition ? { partition } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.since ? { since: options.since } : {}),
  });

  let stream: ChunkLineStream;
  const toLine = (row: unknown): string => {
    const line = (row as { ROW: string }).ROW;
    const nuls = findNuls(line, columns);
    if (!nuls) return line;
    if (options.onNul === 'strip') {
      stream.strippedNuls += nuls.count;
      stream.nulStrippedRows++;
      return nuls.stripped;
    }
    const column = columns[nuls.field]?.name;
    const key = line.split('\t')[keyIndex] ?? '';
    throw new DataError(`a ${column ?? 'value'} value contains the NUL character (U+0000), which PostgreSQL text cannot hold (on_nul "strip" would drop it)`, {
      ...context,
      ...(column ? { column } : {}),
      key,
    });
  };
  stream = new ChunkLineStream(source.stream(sql, binds, context), toLine, options.highWaterMark ?? 256 * 1024);
  return stream;
}
