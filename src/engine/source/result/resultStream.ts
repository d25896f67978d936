// A statement's result as COPY text, streamed: the inline rows, then each result chunk downloaded
// from cloud storage, gunzipped and decoded as it arrives. Memory holds a block or two per stream,
// never a chunk, whatever size Snowflake gives its chunks (up to 160 MB by default).
import { Readable } from 'node:stream';
import { SourceError, type ErrorContext } from '../../errors';
import type { SnowflakeSource } from '../connection';
import type { NulGuard } from '../nulGuard';
import { downloadFile, gunzipped } from '../download';
import { untilAborted } from '../untilAborted';
import { JsonRowsetDecoder } from './jsonRowset';
import type { QueryResult } from './queryResult';

export interface ResultStreamOptions {
  guard: NulGuard;
  context: ErrorContext;
  /** Bytes buffered ahead of the consumer (default 64 KiB). */
  highWaterMark?: number;
  signal?: AbortSignal;
}

const BLOCK_BYTES = 64 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The statement's rows, one COPY line each (its one value), pulled only as fast as the consumer reads. */
export function streamQueryResult(source: SnowflakeSource, sql: string, binds: readonly string[], options: ResultStreamOptions): Readable {
  return Readable.from(resultLines(source, sql, binds, options), { objectMode: false, highWaterMark: options.highWaterMark ?? BLOCK_BYTES });
}

async function* resultLines(source: SnowflakeSource, sql: string, binds: readonly string[], options: ResultStreamOptions): AsyncGenerator<Buffer> {
  const { guard, context, signal } = options;
  let result = await untilAborted(source.query(sql, binds, context), signal);
  let rows = result.rowset.length;
  if (rows > 0) yield guard.lines(inlineLines(result, context));
  for (const [index, chunk] of result.chunks.entries()) {
    const where: ErrorContext = { ...context, path: `result chunk ${index + 1} of ${result.chunks.length}` };
    const url = async (fresh: boolean): Promise<string> => {
      // Chunk URLs are presigned and expire: describing the result again gives fresh ones.
      if (fresh) result = await untilAborted(source.result(result.queryId, context), signal);
      const found = result.chunks[index]?.url;
      if (!found) throw new Error(`Snowflake listed no ${where.path}`);
      return found;
    };
    const decoder = new JsonRowsetDecoder(where);
    const stored = downloadFile({ url, headers: result.chunkHeaders, context: where, what: 'a result chunk', ...(signal ? { signal } : {}) });
    for await (const block of decompressed(stored, where)) {
      const lines = decoder.push(block);
      if (lines.length > 0) yield guard.lines(lines);
    }
    decoder.end();
    if (decoder.rows !== chunk.rowCount) throw new SourceError(`${where.path} held ${decoder.rows} rows, Snowflake listed ${chunk.rowCount}`, true, where);
    rows += decoder.rows;
  }
  if (rows !== result.total) throw new SourceError(`the result held ${rows} rows, Snowflake counted ${result.total}`, true, context);
}

/** Snowflake's chunks are gzipped in storage; one that is not is passed on as it is. */
async function* decompressed(stored: AsyncGenerator<Buffer>, context: ErrorContext): AsyncGenerator<Buffer> {
  const first = await stored.next();
  if (first.done) return;
  const gzipped = first.value[0] === GZIP_MAGIC[0] && first.value[1] === GZIP_MAGIC[1];
  const all = (async function* () {
    yield first.value;
    yield* stored;
  })();
  yield* gzipped ? gunzipped(all, context) : all;
}

function inlineLines(result: QueryResult, context: ErrorContext): Buffer {
  const lines = result.rowset.map((row) => {
    const line = row[0];
    if (row.length !== 1 || typeof line !== 'string') throw new SourceError('an inline result row is not the one text value Thaw selects', false, context);
    return line;
  });
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
