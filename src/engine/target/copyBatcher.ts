// Gathers a source's COPY-text lines into blocks of about 64 KiB before they reach the COPY
// stream. pg-copy-streams sends every chunk it is given as its own CopyData message (two socket
// writes), so a block per line would cost a syscall pair per row. Parts that are blocks already
// (the unload path's downloads) pass as they are: copying them into bigger ones costs more than
// the writes it saves. Counts the bytes on the way.
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK_BYTES = 64 * 1024;
/** A part at least this long is sent as its own message, after what was gathered before it. */
const OWN_MESSAGE_BYTES = 16 * 1024;

export class CopyBatcher extends Transform {
  /** Bytes passed through so far. */
  bytes = 0;
  private parts: Buffer[] = [];
  private pending = 0;

  constructor() {
    // Lines may come as strings or Buffers, one object each; blocks leave as plain bytes.
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(line: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
    this.bytes += buf.length;
    if (buf.length >= OWN_MESSAGE_BYTES) {
      if (this.pending > 0) this.pushBlock();
      this.push(buf);
      callback();
      return;
    }
    this.parts.push(buf);
    this.pending += buf.length;
    if (this.pending >= BLOCK_BYTES) this.pushBlock();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending > 0) this.pushBlock();
    callback();
  }

  private pushBlock(): void {
    this.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.pending));
    this.parts = [];
    this.pending = 0;
  }
}
