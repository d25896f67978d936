// One chunk's rows as PostgreSQL COPY text, pulled from Snowflake only as fast as the consumer
// (the COPY into PostgreSQL) takes them. Snowflake renders each row as its COPY line; the result's
// chunks are streamed and decoded as they arrive (result/resultStream.ts).
import type { Readable } from 'node:stream';
import type { ErrorContext } from '../errors';
import type { ChunkRange, SourceColumn } from '../types/model';
import type { SnowflakeSource } from './connection';
import { describeTable } from './metadata';
import { NulGuard, type NulPolicy } from './nulGuard';
import { streamQueryResult } from './result/resultStream';
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
  /** Bytes of lines buffered ahead of the consumer (default 64 KiB). */
  highWaterMark?: number;
  /** Aborts a download in flight (a stalled one would otherwise hold the chunk until its timeout). */
  signal?: AbortSignal;
}

/** A chunk's rows as COPY text, and the NUL policy applied on the way (what it stripped). */
export interface ChunkLines {
  stream: Readable;
  guard: NulGuard;
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
export function streamChunk(source: SnowflakeSource, options: StreamChunkOptions): ChunkLines {
  const { sql, binds } = chunkQuery(options);
  const context: ErrorContext = { ...options.context, table: describeTable(options.table) };
  const guard = nulGuardFor(options);
  const stream = streamQueryResult(source, sql, binds, { guard, context, ...(options.highWaterMark ? { highWaterMark: options.highWaterMark } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  return { stream, guard };
}
