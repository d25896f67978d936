// Serves stage files behind presigned URLs, as an object store does: no Snowflake session, byte
// ranges (`Range: bytes=N-`, how a client resumes a cut download), 403 once the URL has expired.
// Faults: a download cut off halfway through the file, an expired URL, a slow store.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector } from '../faults';
import type { StageStore } from './stageStore';

const PRESIGNED_PATH = /^\/__thaw\/stage\/([0-9a-f]+)\/[^/]*$/;

/** True when `path` is a presigned stage-file URL (answered by serveStageFile). */
export function isStageFilePath(path: string): boolean {
  return PRESIGNED_PATH.test(path);
}

export async function serveStageFile(stages: StageStore, faults: FaultInjector, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const token = PRESIGNED_PATH.exec(path)![1]!;
  const hold = faults.downloadHoldMs();
  if (hold > 0 && !(await holdWhileConnected(res, hold))) return;
  const fault = faults.downloadFault();
  const found = stages.resolve(token);
  if (fault === 'expired' || ('error' in found && found.error === 'expired')) return sendXml(res, 403, 'AccessDenied', 'Request has expired');
  if ('error' in found) return sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.');
  if (!(await serveFile(req, res, found.file, { cut: fault === 'cut' }))) sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.');
}

/**
 * A stored file as an object store serves it: whole or from `Range: bytes=N-`, with its length. A
 * `cut` download sends the first half of what was asked for, then drops the connection. False
 * when the file is gone (nothing sent).
 */
export async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, options: { cut: boolean; headers?: Record<string, string> }): Promise<boolean> {
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0) return false;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (start > size || (start === size && size > 0)) {
    res.writeHead(416, { 'Content-Range': `bytes */${size}` });
    res.end();
    return true;
  }
  const headers = { 'Content-Type': 'application/octet-stream', ...options.headers, 'Content-Length': String(size - start), 'Accept-Ranges': 'bytes' };
  if (range) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${size - 1}/${size}` });
  else res.writeHead(200, headers);
  if (size === 0) {
    res.end();
    return true;
  }
  const end = options.cut ? start + Math.max(0, Math.floor((size - start) / 2) - 1) : size - 1;
  const stream = createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
  stream.on('error', () => res.destroy());
  if (options.cut) stream.on('end', () => setImmediate(() => res.destroy()));
  stream.pipe(res, { end: !options.cut });
  return true;
}

/**
 * A slow store: answers after `ms`, or not at all once the client has gone (a held request must
 * not keep a timer, and with it the emulator's process, alive after its client left); false then.
 */
async function holdWhileConnected(res: ServerResponse, ms: number): Promise<boolean> {
  const gone = new AbortController();
  const onClose = () => gone.abort();
  res.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
    return true;
  } catch {
    return false;
  } finally {
    res.off('close', onClose);
  }
}

function sendXml(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
