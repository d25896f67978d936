// The one grammar of a PostgreSQL type name as Thaw accepts it: in config.json's column_types (and
// so in the JSON Schema editors validate with), in the column mapping, and in CREATE TABLE. What
// it accepts PostgreSQL parses; whether the type exists is for the target database to say.
//
//   [schema.]name [words]  [(n[, m])]  [words]  [[n]]...
//   public.citext   double precision   numeric(10,-2)   timestamp(3) with time zone   text[][]   int[3]
//
// Names are unquoted words or "quoted identifiers". No other SQL punctuation gets through, since
// the text ends up in DDL.

const WORD = '(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")';
const MODIFIERS = '\\(\\s*[-+]?\\d+\\s*(?:,\\s*[-+]?\\d+\\s*)?\\)';

/** Also the JSON Schema `pattern` (ECMAScript syntax, valid with and without the `u` flag). */
export const PG_TYPE_NAME = new RegExp(
  `^\\s*${WORD}(?:\\s*\\.\\s*${WORD})?(?:\\s+${WORD})*(?:\\s*${MODIFIERS})?(?:\\s+${WORD})*(?:\\s*\\[\\s*\\d*\\s*\\])*\\s*$`,
);

export const PG_TYPE_NAME_HELP = 'must be a PostgreSQL type name such as `double precision`, `numeric(38,0)`, `public.citext` or `text[]`';

export function isPgTypeName(text: string): boolean {
  return PG_TYPE_NAME.test(text);
}

/**
 * The spelling Thaw stores and writes into DDL: unquoted words in lower case (as PostgreSQL folds
 * them), single spaces between words, none around punctuation. Quoted identifiers are kept as written.
 */
export function normalizePgTypeName(text: string): string {
  return text
    .trim()
    .split(/("[^"]+")/)
    .map((part) =>
      part.startsWith('"')
        ? part
        : part
            .toLowerCase()
            .replace(/\s+/g, ' ')
            .replace(/\s*([.(),[\]])\s*/g, '$1')
            .replace(/\)(?=[a-z_"])/g, ') '),
    )
    .join('');
}
