// One file streamed over HTTP(S) from a presigned URL (an unloaded stage file, a result chunk), as
// stored, pulled only as fast as the consumer reads. A connection cut mid-file resumes where it
// stopped (`Range: bytes=N-`), so the bytes already passed on stay valid; a 403 (expired URL) gets
// a fresh URL first.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { SourceError, type ErrorContext } from '../errors';

export interface DownloadOptions {
  /** The stored size when known (DETAILED_OUTPUT): a download is complete at exactly this many bytes; else the first answer's Content-Length. */
  bytes?: number;
  /** Sent with every request (a result chunk's server-side-encryption key). */
  headers?: Record<string, string>;
  /** What the file is, for errors: "an unloaded file", "a result chunk". */
  what?: string;
  /** A URL for the file; `fresh` asks for a new one (the last one expired). */
  url: (fresh: boolean) => Promise<string>;
  context: ErrorContext;
  /** Failed requests tolerated per file before the chunk attempt fails (default 5). */
  maxRetries?: number;
  signal?: AbortSignal;
}

function get(url: string, from: number, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: from > 0 ? { ...headers, Range: `bytes=${from}-` } : headers, ...(signal ? { signal } : {}) }, resolve);
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('no answer for 60 s')));
    req.end();
  });
}

/** The file's bytes as stored. Throws a retryable SourceError once the retries are spent. */
export async function* downloadFile(options: DownloadOptions): AsyncGenerator<Buffer> {
  const maxRetries = options.maxRetries ?? 5;
  let bytes = options.bytes;
  let received = 0;
  let failures = 0;
  let fresh = false;
  const fail = (why: string): never => {
    throw new SourceError(`downloading ${options.what ?? 'an unloaded file'} failed ${failures} times: ${why}`, true, options.context);
  };
  while (bytes === undefined || received < bytes) {
    let response: IncomingMessage | undefined;
    try {
      response = await get(await options.url(fresh), received, options.headers ?? {}, options.signal);
      fresh = false;
      const status = response.statusCode ?? 0;
      if (status === 403) {
        fresh = true;
        throw new Error('HTTP 403 (the presigned URL expired or was refused)');
      }
      if (status !== 200 && status !== 206) throw new Error(`HTTP ${status}`);
      const length = Number(response.headers['content-length']);
      if (bytes === undefined && status === 200 && Number.isSafeInteger(length)) bytes = length;
      if (bytes === undefined) throw new Error('the answer gave no Content-Length');
      // A server that ignores Range answers 200 with the whole file: skip what was passed on already.
      let skip = status === 200 ? received : 0;
      for await (const part of response as AsyncIterable<Buffer>) {
        let data = part;
        if (skip > 0) {
          const dropped = Math.min(skip, data.length);
          skip -= dropped;
          data = data.subarray(dropped);
          if (data.length === 0) continue;
        }
        received += data.length;
        yield data;
      }
      if (received < bytes) throw new Error(`the connection closed after ${received} of ${bytes} bytes`);
      if (received > bytes) fail(`got ${received} bytes, ${options.bytes === undefined ? 'Content-Length said' : 'the unload reported'} ${bytes}`);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      if (options.signal?.aborted) throw err;
      failures++;
      if (failures > maxRetries) fail((err as Error).message);
      await sleep(Math.min(200 * 2 ** (failures - 1), 5000));
    } finally {
      response?.destroy();
    }
  }
}

/** Bytes per gunzipped block: large blocks keep zlib's per-call overhead small. */
const GUNZIPPED_BLOCK_BYTES = 256 * 1024;

/** Gunzipped blocks of a gzip stream, pulled as the consumer reads; the download stops with it. */
export async function* gunzipped(compressed: AsyncIterable<Buffer>, context: ErrorContext): AsyncGenerator<Buffer> {
  const input = Readable.from(compressed, { objectMode: false });
  const gunzip = createGunzip({ chunkSize: GUNZIPPED_BLOCK_BYTES });
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    yield* gunzip;
  } catch (err) {
    // Bad gzip (zlib's own codes): what was downloaded is corrupt, and a new attempt downloads it again.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new SourceError(`a downloaded file is not valid gzip: ${(err as Error).message}`, true, context, { cause: err });
    }
    throw err;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}
