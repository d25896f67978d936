// An unloaded chunk's files as one stream of COPY-text bytes: each file downloaded from its
// presigned URL, gunzipped when it was unloaded gzipped, and passed on in blocks of whole lines (the NUL policy applied on the
// way), file after file. No row is parsed or built: the bytes Snowflake wrote are the bytes COPY reads.
import { Readable } from 'node:stream';
import type { UnloadCompression } from '../../config/schema';
import type { ErrorContext } from '../../errors';
import type { SnowflakeSource } from '../connection';
import type { NulGuard } from '../nulGuard';
import { downloadFile, gunzipped } from '../download';
import { presignedUrls, type UnloadedFile } from './stageFiles';
import { untilAborted } from '../untilAborted';
import type { StageName } from './stageSql';

export interface StagedChunkOptions {
  stage: StageName;
  files: readonly UnloadedFile[];
  compression: UnloadCompression;
  guard: NulGuard;
  context: ErrorContext;
  signal?: AbortSignal;
}

const NEWLINE = Buffer.from('\n');
const BLOCK_BYTES = 64 * 1024;

/** The files' lines, pulled only as fast as the consumer (COPY) takes them. */
export function streamStagedChunk(source: SnowflakeSource, options: StagedChunkOptions): Readable {
  return Readable.from(stagedBytes(source, options), { objectMode: false, highWaterMark: BLOCK_BYTES });
}

async function* stagedBytes(source: SnowflakeSource, options: StagedChunkOptions): AsyncGenerator<Buffer> {
  const { stage, files, guard, context } = options;
  if (files.length === 0) return;
  const urls = await untilAborted(presignedUrls(source, stage, files.map((f) => f.path), context), options.signal);
  for (const file of files) {
    const url = async (fresh: boolean): Promise<string> => {
      if (fresh) urls.set(file.path, (await untilAborted(presignedUrls(source, stage, [file.path], context), options.signal)).get(file.path) ?? '');
      const found = urls.get(file.path);
      if (!found) throw new Error(`Snowflake returned no presigned URL for ${file.path}`);
      return found;
    };
    const where = { ...context, path: file.path };
    const download = downloadFile({ bytes: file.bytes, url, context: where, signal: options.signal });
    yield* wholeLines(options.compression === 'none' ? download : gunzipped(download, where), guard);
  }
}

/** Re-cuts decompressed blocks at line ends, so the NUL check sees whole lines and files join cleanly. */
async function* wholeLines(blocks: AsyncIterable<Buffer>, guard: NulGuard): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  for await (const block of blocks) {
    const last = block.lastIndexOf(10);
    if (last < 0) {
      carry = carry ? Buffer.concat([carry, block]) : block;
      continue;
    }
    if (carry) {
      const first = block.indexOf(10);
      yield guard.lines(Buffer.concat([carry, block.subarray(0, first + 1)]));
      if (first < last) yield guard.lines(block.subarray(first + 1, last + 1));
    } else {
      yield guard.lines(block.subarray(0, last + 1));
    }
    carry = last + 1 < block.length ? block.subarray(last + 1) : null;
  }
  if (carry) yield guard.lines(Buffer.concat([carry, NEWLINE]));
}
