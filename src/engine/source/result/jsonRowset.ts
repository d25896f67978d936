// Snowflake's JSON result chunk, decoded as it streams: a chunk is rows separated by commas, each
// row a JSON array of its values as strings. Thaw's chunk statements select one value per row, the
// row's COPY-text line, so each row becomes that line and a newline, written into one Buffer per
// block received. Only one row is ever held across blocks, never the chunk.
import { SourceError, type ErrorContext } from '../../errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const NEWLINE = 0x0a;

function isSeparator(byte: number): boolean {
  return byte === 0x2c || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The index of the quote closing a JSON string whose content starts at `from`, or -1 if not in `buf` yet. */
function closingQuote(buf: Buffer, from: number): number {
  let quote = buf.indexOf(QUOTE, from);
  while (quote >= 0) {
    let backslashes = 0;
    while (buf[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = buf.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

export class JsonRowsetDecoder {
  /** Rows decoded so far. */
  rows = 0;
  private carry: Buffer | null = null;

  constructor(private readonly context: ErrorContext) {}

  /** The COPY lines of every row complete so far, each ending in a newline. */
  push(block: Buffer): Buffer {
    const buf = this.carry ? Buffer.concat([this.carry, block]) : block;
    this.carry = null;
    // Unescaping never lengthens a value, and a row's brackets and quotes outweigh its newline.
    const out = Buffer.allocUnsafe(buf.length);
    let written = 0;
    let at = 0;
    for (;;) {
      while (at < buf.length && isSeparator(buf[at]!)) at++;
      if (at >= buf.length) break;
      if (buf[at] !== OPEN) this.malformed(`expected "[" at byte ${at} of a block`);
      const start = at;
      let value = at + 1;
      while (value < buf.length && isSeparator(buf[value]!)) value++;
      if (value >= buf.length) {
        this.carry = buf.subarray(start);
        break;
      }
      if (buf[value] !== QUOTE) this.malformed(buf[value] === 0x6e ? 'a row is NULL where Thaw renders every row as text' : `expected a string at byte ${value} of a block`);
      const end = closingQuote(buf, value + 1);
      let close = end + 1;
      while (end >= 0 && close < buf.length && isSeparator(buf[close]!)) close++;
      if (end < 0 || close >= buf.length) {
        this.carry = buf.subarray(start);
        break;
      }
      if (buf[close] !== CLOSE) this.malformed('a row has more than the one value Thaw selects');
      let line: string;
      try {
        line = JSON.parse(buf.toString('utf8', value, end + 1)) as string;
      } catch (err) {
        this.malformed(`row ${this.rows + 1}: ${(err as Error).message}`);
      }
      written += out.write(line, written, 'utf8');
      out[written++] = NEWLINE;
      this.rows++;
      at = close + 1;
    }
    return out.subarray(0, written);
  }

  /** Call at the end of the chunk: anything left over is a cut or malformed chunk. */
  end(): void {
    if (this.carry && this.carry.some((byte) => !isSeparator(byte))) this.malformed('the chunk ends inside a row');
  }

  private malformed(why: string): never {
    throw new SourceError(`a Snowflake result chunk could not be read: ${why}`, false, this.context);
  }
}
