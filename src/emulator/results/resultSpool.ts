// Writes a result as Snowflake does: the first rows inline in the response, the rest as gzip'd
// chunk files of a few MB (uncompressed) each, spooled to disk while DuckDB streams the rows, so
// memory holds one DuckDB vector and one gzip window, never the result.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip, constants as zlib, type Gzip } from 'node:zlib';

export type WireRow = ReadonlyArray<string | null>;

export interface SpoolLimits {
  /** Uncompressed bytes of rows answered inline with the query response. */
  inlineBytes: number;
  /** Uncompressed bytes per chunk file. */
  chunkBytes: number;
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
  ) {}

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
      const current = this.current ?? (await this.openChunk());
      const json = JSON.stringify(row);
      const text = current.chunk.rowCount === 0 ? json : `,${json}`;
      current.chunk.rowCount++;
      current.chunk.uncompressedSize += text.length;
      pending.push(text);
      pendingBytes += text.length;
      if (current.chunk.uncompressedSize >= this.limits.chunkBytes) {
        await this.write(current, pending.join(''));
        pending = [];
        pendingBytes = 0;
        await this.closeChunk();
      } else if (pendingBytes > 1 << 16) {
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
    this.current = { gzip, file, done, chunk };
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
