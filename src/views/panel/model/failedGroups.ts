// Failed chunks grouped by their error, so that 300 chunks failing for one reason read as one
// line with one "Retry all" rather than 300. Messages differing only in numbers (a chunk id, a
// row count, a line) are one cause.
import type { FailedChunk } from '../../../protocol/panel';

export interface FailedGroup {
  /** Stable across snapshots while the cause is the same: the webview keeps focus on it. */
  key: string;
  code: string | null;
  /** The first chunk's message, as recorded. */
  message: string;
  chunks: FailedChunk[];
}

export function causeOf(chunk: FailedChunk): string {
  return `${chunk.errorCode ?? ''}|${chunk.error.replace(/\d+/g, '#')}`;
}

/** Groups in order of size (largest first), chunks in chunk order within a group. */
export function groupFailedChunks(failed: readonly FailedChunk[]): FailedGroup[] {
  const groups = new Map<string, FailedGroup>();
  for (const chunk of [...failed].sort((a, b) => a.chunkId - b.chunkId)) {
    const key = causeOf(chunk);
    const group = groups.get(key);
    if (group) group.chunks.push(chunk);
    else groups.set(key, { key, code: chunk.errorCode, message: chunk.error, chunks: [chunk] });
  }
  return [...groups.values()].sort((a, b) => b.chunks.length - a.chunks.length || a.chunks[0]!.chunkId - b.chunks[0]!.chunkId);
}
