// PostgreSQL text and jsonb cannot hold U+0000. In a COPY line it shows up two ways: as a raw NUL
// in a text value, and inside a VARIANT/OBJECT/ARRAY value as the JSON escape \u0000, whose
// backslash COPY's own escaping has doubled. A JSON backslash that is itself escaped doubles
// twice, so the escape is a NUL exactly when the run of backslashes before "u0000" is 2 mod 4.
import type { SourceColumn } from '../types/model';

const JSON_TYPES = new Set(['VARIANT', 'OBJECT', 'ARRAY']);
const ESCAPED_NUL = /(\\+)u0000/g;
/** What a JSON NUL escape looks like in a COPY line: a cheap test before looking closer. */
const MAYBE_JSON_NUL = '\\\\u0000';

export interface NulFinding {
  /** Index of the first field holding a NUL, or -1. */
  field: number;
  /** The line without its NULs (what `on_nul_character: "strip"` loads). */
  stripped: string;
  count: number;
}

function stripJsonNuls(field: string): { text: string; count: number } {
  let count = 0;
  const text = field.replace(ESCAPED_NUL, (match, slashes: string) => {
    if (slashes.length % 4 !== 2) return match;
    count++;
    return slashes.slice(2);
  });
  return { text, count };
}

/** Null when the line holds no NUL character in any form PostgreSQL would refuse. */
export function findNuls(line: string, columns: readonly SourceColumn[]): NulFinding | null {
  const raw = line.includes('\0');
  if (!raw && !line.includes(MAYBE_JSON_NUL)) return null;
  let first = -1;
  let count = 0;
  const fields = line.split('\t').map((field, i) => {
    let text = field;
    let found = 0;
    if (text.includes('\0')) {
      found += text.split('\0').length - 1;
      text = text.replaceAll('\0', '');
    }
    if (JSON_TYPES.has(columns[i]?.type ?? '') && text.includes(MAYBE_JSON_NUL)) {
      const json = stripJsonNuls(text);
      found += json.count;
      text = json.text;
    }
    if (found > 0 && first < 0) first = i;
    count += found;
    return text;
  });
  return first < 0 ? null : { field: first, stripped: fields.join('\t'), count };
}
