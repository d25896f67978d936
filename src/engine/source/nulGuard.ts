// Applies on_nul_character to COPY lines on their way to PostgreSQL, on both extract paths: a line
// with a NUL in any form PostgreSQL refuses (nulCharacters.ts) is stripped or fails the chunk with
// a DataError naming the column and the row's key.
import { DataError, type ErrorContext } from '../errors';
import type { SourceColumn } from '../types/model';
import { findNuls } from './nulCharacters';

/** What to do with U+0000, which PostgreSQL text cannot hold: fail the chunk, or drop the character. */
export type NulPolicy = 'error' | 'strip';

const NUL_BYTE = 0;
/** A JSON NUL escape as it looks in a COPY line (its backslash doubled). */
const ESCAPED_NUL = Buffer.from('\\\\u0000', 'latin1');

export class NulGuard {
  /** NUL characters removed under the `strip` policy. */
  strippedNuls = 0;
  /** Rows that had NUL characters removed: what the chunk's completion records. */
  nulStrippedRows = 0;

  constructor(
    private readonly columns: readonly SourceColumn[],
    private readonly policy: NulPolicy,
    /** Index of the column whose value names the row in errors. */
    private readonly keyIndex: number,
    private readonly context: ErrorContext,
  ) {}

  /** One line (without its newline) as it is loaded. */
  line(line: string): string {
    const nuls = findNuls(line, this.columns);
    if (!nuls) return line;
    if (this.policy === 'strip') {
      this.strippedNuls += nuls.count;
      this.nulStrippedRows++;
      return nuls.stripped;
    }
    const column = this.columns[nuls.field]?.name;
    const key = line.split('\t')[this.keyIndex] ?? '';
    throw new DataError(`a ${column ?? 'value'} value contains the NUL character (U+0000), which PostgreSQL text cannot hold (on_nul "strip" would drop it)`, {
      ...this.context,
      ...(column ? { column } : {}),
      key,
    });
  }

  /**
   * Whole lines as bytes, each ending in `\n`. Searched natively; split into lines only when a NUL
   * may be in them, which keeps the cost per row near zero.
   */
  lines(bytes: Buffer): Buffer {
    if (bytes.indexOf(NUL_BYTE) < 0 && bytes.indexOf(ESCAPED_NUL) < 0) return bytes;
    const lines = bytes.toString('utf8').split('\n');
    const last = lines.pop();
    const checked = lines.map((l) => this.line(l));
    if (last) checked.push(this.line(last));
    return Buffer.from(checked.join('\n') + (last ? '' : '\n'), 'utf8');
  }
}
