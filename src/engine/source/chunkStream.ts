// One chunk's rows as PostgreSQL COPY text, pulled from Snowflake only as fast as the consumer
// (the COPY into PostgreSQL) takes them. The driver hands each row as a one-element array (rowMode
// 'array': no object per row); one Transform turns them into blocks of COPY bytes.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { ErrorContext } from '../errors';
import type { ChunkRange, SourceColumn } from '../types/model';
import type { RowStream, SnowflakeSource } from './connection';
import { describeTable } from './metadata';
import { NulGuard, type NulPolicy } from './nulGuard';
import { chunkStatement, type Snapshot, type SourceTable, type Statement, type WatermarkFilter } from './sql';

export type { NulPolicy } from './nulGuard';

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

/** Readable side: Buffers of whole COPY lines, each line ending in `\n`; counts what has passed. */
export class ChunkLineStream extends Transform {
  /** Rows turned into COPY lines so far. */
  rows = 0;
  /** Bytes of the blocks passed on, newlines included. */
  bytes = 0;
  private lines: string[] = [];
  private pendingChars = 0;
  private readonly blockChars: number;
  private source: Readable | undefined;

  constructor(
    /** Runs the statement: called on the first read, so nothing runs (or fails) before a consumer is there. */
    private readonly start: () => RowStream,
    private readonly toLine: (row: unknown) => string,
    readonly guard: NulGuard,
    highWaterMark: number,
  ) {
    // A block is at most a quarter of the buffer, so rows ahead of the consumer stay within it.
    super({ writableObjectMode: true, writableHighWaterMark: 16, readableHighWaterMark: Math.max(1, highWaterMark >> 1) });
    this.blockChars = Math.max(1, Math.min(64 * 1024, highWaterMark >> 2));
  }

  override _read(size: number): void {
    if (!this.source) {
      const { rows, typed } = this.start();
      this.source = rows;
      rows.on('error', (err) => this.destroy(typed(err)));
      rows.pipe(this);
    }
    super._read(size);
  }

  /** NUL characters removed under the `strip` policy. */
  get strippedNuls(): number {
    return this.guard.strippedNuls;
  }

  /** Rows that had NUL characters removed: what the chunk's completion records. */
  get nulStrippedRows(): number {
    return this.guard.nulStrippedRows;
  }

  override _transform(row: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    let line: string;
    try {
      line = this.toLine(row);
    } catch (err) {
      return callback(err as Error);
    }
    this.lines.push(line);
    this.rows++;
    this.pendingChars += line.length + 1;
    if (this.pendingChars >= this.blockChars) this.pushBlock();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.lines.length > 0) this.pushBlock();
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    // Destroying the driver's row stream stops it fetching further result chunks.
    this.source?.unpipe(this);
    this.source?.destroy();
    callback(err);
  }

  private pushBlock(): void {
    this.lines.push('');
    const block = Buffer.from(this.lines.join('\n'), 'utf8');
    this.lines = [];
    this.pendingChars = 0;
    this.bytes += block.length;
    this.push(block);
  }
}

/** The chunk's SELECT: one COPY-text value per row (the query path streams it, the unload path unloads it). */
export function chunkQuery(options: StreamChunkOptions): Statement {
  const { partition } = options;
  return chunkStatement(options.table, options.columns, {
    split: options.split,
    range: options.range,
    ...(partition ? { partition } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
}

/** The chunk's NUL policy, naming rows by the key column and errors by table and chunk. */
export function nulGuardFor(options: StreamChunkOptions): NulGuard {
  const keyName = (options.keyColumn ?? options.split).name;
  const keyIndex = options.columns.findIndex((c) => c.name === keyName);
  return new NulGuard(options.columns, options.onNul ?? 'error', keyIndex, { ...options.context, table: describeTable(options.table) });
}

/** Runs the chunk statement and streams its rows as COPY lines. */
export function streamChunk(source: SnowflakeSource, options: StreamChunkOptions): ChunkLineStream {
  const { sql, binds } = chunkQuery(options);
  const context: ErrorContext = { ...options.context, table: describeTable(options.table) };
  const guard = nulGuardFor(options);
  return new ChunkLineStream(() => source.stream(sql, binds, context), (row) => guard.line((row as [string])[0]), guard, options.highWaterMark ?? 256 * 1024);
}
