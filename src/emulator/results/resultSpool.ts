// Writes a result as Snowflake does: the first rows inline in the response, the rest as gzip'd
// chunk files spooled to disk while DuckDB streams the rows, so memory holds one DuckDB vector and
// one gzip window, never the result. Snowflake starts with small chunks and doubles them up to the
// statement's CLIENT_RESULT_CHUNK_SIZE (MB of uncompressed rows, as the 2026_04 behaviour change
// enforces it; default 160): a client holds whole chunks, so that size is what its memory follows.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip, constants as zlib, type Gzip } from 'node:zlib';

export type WireRow = ReadonlyArray<string | null>;

export interface SpoolLimits {
  /** Uncompressed bytes of rows answered inline with the query response. */
  inlineBytes: number;
  /** Uncompressed bytes per chunk file, all alike (tests); unset: chunks grow as Snowflake's do. */
  chunkBytes?: number;
}

/** Snowflake's default and allowed range for CLIENT_RESULT_CHUNK_SIZE, in MB. */
export const RESULT_CHUNK_SIZE_MB = { default: 160, min: 16, max: 160 } as const;

/** The first chunk after the inline rows; each next one is twice the size, up to the cap. */
const FIRST_CHUNK_BYTES = 256 << 10;

/** The uncompressed size cap a statement's CLIENT_RESULT_CHUNK_SIZE sets, clamped to Snowflake's range. */
export function chunkCapBytes(parameterMb: unknown): number {
  const mb = Number(parameterMb);
  const valid = Number.isFinite(mb) ? Math.min(RESULT_CHUNK_SIZE_MB.max, Math.max(RESULT_CHUNK_SIZE_MB.min, Math.floor(mb))) : RESULT_CHUNK_SIZE_MB.default;
  return valid * 1024 * 1024;
}

export interface SpooledChunk {
  file: string;
  rowCount: number;
  uncompressedSize: number;
}

interface OpenChunk {
  gzip: Gzip;
  file: WriteStream;
  done: Promise<unknown>;
  chunk: SpooledChunk;
  /** Uncompressed bytes at which this chunk is closed. */
  limit: number;
}

export class ResultSpool {
  readonly inline: WireRow[] = [];
  readonly chunks: SpooledChunk[] = [];
  total = 0;
  private inlineBytes = 0;
  private current: OpenChunk | null = null;
  private dirReady: Promise<unknown> | null = null;

  constructor(
    readonly dir: string,
    private readonly limits: SpoolLimits,
    /** The statement's CLIENT_RESULT_CHUNK_SIZE (MB); used when `limits.chunkBytes` is unset. */
    private readonly chunkSizeMb: unknown = RESULT_CHUNK_SIZE_MB.default,
  ) {}

  /** Uncompressed bytes at which chunk `index` is closed. */
  chunkLimit(index: number): number {
    return this.limits.chunkBytes ?? Math.min(chunkCapBytes(this.chunkSizeMb), FIRST_CHUNK_BYTES * 2 ** index);
  }

  /** Adds rows; resolves when the chunk file has taken them (backpressure). */
  async add(rows: readonly WireRow[]): Promise<void> {
    let pending: string[] = [];
    let pendingBytes = 0;
    for (const row of rows) {
      this.total++;
      if (this.chunks.length === 0 && this.inlineBytes < this.limits.inlineBytes) {
        this.inline.push(row);
        this.inlineBytes += approximateSize(row);
        continue;
      }
      const json = JSON.stringify(row);
      const bytes = Buffer.byteLength(json);
      // A chunk never holds more than its limit (a comma before each row but the first), but always at least one row.
      if (this.current && this.current.chunk.rowCount > 0 && this.current.chunk.uncompressedSize + 1 + bytes > this.current.limit) {
        await this.write(this.current, pending.join(''));
        pending = [];
        pendingBytes = 0;
        await this.closeChunk();
      }
      const current = this.current ?? (await this.openChunk());
      const first = current.chunk.rowCount === 0;
      const text = first ? json : `,${json}`;
      current.chunk.rowCount++;
      current.chunk.uncompressedSize += first ? bytes : bytes + 1;
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes > 1 << 16) {
        await this.write(current, pending.join(''));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pending.length > 0 && this.current) await this.write(this.current, pending.join(''));
  }

  async finish(): Promise<void> {
    await this.closeChunk();
  }

  chunkFile(index: number): string | undefined {
    return this.chunks[index]?.file;
  }

  async dispose(): Promise<void> {
    if (this.current) {
      this.current.gzip.destroy();
      this.current.file.destroy();
      this.current = null;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async openChunk(): Promise<OpenChunk> {
    this.dirReady ??= mkdir(this.dir, { recursive: true });
    await this.dirReady;
    const chunk: SpooledChunk = { file: join(this.dir, `chunk-${this.chunks.length}.json.gz`), rowCount: 0, uncompressedSize: 0 };
    this.chunks.push(chunk);
    const gzip = createGzip({ level: zlib.Z_BEST_SPEED });
    const file = createWriteStream(chunk.file);
    gzip.pipe(file);
    const done = once(file, 'close');
    this.current = { gzip, file, done, chunk, limit: this.chunkLimit(this.chunks.length - 1) };
    return this.current;
  }

  private async write(open: OpenChunk, text: string): Promise<void> {
    if (!open.gzip.write(text)) await once(open.gzip, 'drain');
  }

  private async closeChunk(): Promise<void> {
    const open = this.current;
    if (!open) return;
    this.current = null;
    open.gzip.end();
    await open.done;
  }
}

function approximateSize(row: WireRow): number {
  let n = 2;
  for (const v of row) n += (v?.length ?? 4) + 3;
  return n;
}
