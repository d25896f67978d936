// One stage file streamed over HTTP(S) from its presigned URL, as stored, pulled only as
// fast as the consumer reads. A connection cut mid-file resumes where it stopped (`Range: bytes=N-`),
// so the bytes already passed on stay valid; a 403 (expired URL) gets a fresh URL first.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { SourceError, type ErrorContext } from '../../errors';

export interface DownloadOptions {
  /** Size from DETAILED_OUTPUT: a download is complete at exactly this many bytes. */
  bytes: number;
  /** A URL for the file; `fresh` asks for a new one (the last one expired). */
  url: (fresh: boolean) => Promise<string>;
  context: ErrorContext;
  /** Failed requests tolerated per file before the chunk attempt fails (default 5). */
  maxRetries?: number;
  signal?: AbortSignal;
}

function get(url: string, from: number, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: from > 0 ? { Range: `bytes=${from}-` } : {}, ...(signal ? { signal } : {}) }, resolve);
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('no answer for 60 s')));
    req.end();
  });
}

/** The file's bytes as stored. Throws a retryable SourceError once the retries are spent. */
export async function* downloadStageFile(options: DownloadOptions): AsyncGenerator<Buffer> {
  const maxRetries = options.maxRetries ?? 5;
  let received = 0;
  let failures = 0;
  let fresh = false;
  const fail = (why: string): never => {
    throw new SourceError(`downloading an unloaded file failed ${failures} times: ${why}`, true, options.context);
  };
  while (received < options.bytes) {
    let response: IncomingMessage | undefined;
    try {
      response = await get(await options.url(fresh), received, options.signal);
      fresh = false;
      const status = response.statusCode ?? 0;
      if (status === 403) {
        fresh = true;
        throw new Error('HTTP 403 (the presigned URL expired or was refused)');
      }
      if (status !== 200 && status !== 206) throw new Error(`HTTP ${status}`);
      // A server that ignores Range answers 200 with the whole file: skip what was passed on already.
      let skip = status === 200 ? received : 0;
      for await (const part of response as AsyncIterable<Buffer>) {
        let bytes = part;
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.length);
          skip -= dropped;
          bytes = bytes.subarray(dropped);
          if (bytes.length === 0) continue;
        }
        received += bytes.length;
        yield bytes;
      }
      if (received < options.bytes) throw new Error(`the connection closed after ${received} of ${options.bytes} bytes`);
      if (received > options.bytes) fail(`got ${received} bytes, the unload reported ${options.bytes}`);
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
