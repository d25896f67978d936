// Splits Snowflake SQL into tokens so rewrites never touch the inside of a string literal or a
// quoted identifier. Whitespace and comments are dropped; `render` puts the SQL back together.

export type TokenKind = 'word' | 'qident' | 'string' | 'number' | 'param' | 'op';

export interface Token {
  kind: TokenKind;
  /** SQL text as DuckDB should see it (strings already re-escaped the DuckDB way). */
  text: string;
  /** The decoded value: identifier name for qident, string contents for string. */
  value: string;
}

const OPERATORS = ['::', '=>', '||', '<=', '>=', '<>', '!=', '->>', '->'];

/** Snowflake reads backslash escapes inside '...' literals; DuckDB does not. */
const BACKSLASH_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

export function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      i++;
    } else if ((ch === '-' && next === '-') || (ch === '/' && next === '/')) {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError('unterminated string literal');
        const c = sql[i]!;
        if (c === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else if (c === '\\' && i + 1 < sql.length) {
          const e = sql[i + 1]!;
          value += BACKSLASH_ESCAPES[e] ?? e;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push(stringToken(value));
    } else if (ch === '$' && next === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end < 0) throw new SqlSyntaxError('unterminated $$ string');
      tokens.push(stringToken(sql.slice(i + 2, end)));
      i = end + 2;
    } else if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError('unterminated quoted identifier');
        if (sql[i] === '"' && sql[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else value += sql[i++];
      }
      tokens.push(identToken(value));
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], value: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(ch) || (ch === '.' && next !== undefined && /[0-9]/.test(next))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], value: m[0] });
      i += m[0].length;
    } else if (ch === '?') {
      tokens.push({ kind: 'param', text: '?', value: '?' });
      i++;
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i)) ?? ch;
      tokens.push({ kind: 'op', text: op, value: op });
      i += op.length;
    }
  }
  return tokens;
}

export function stringToken(value: string): Token {
  return { kind: 'string', text: `'${value.replaceAll("'", "''")}'`, value };
}

export function identToken(name: string): Token {
  return { kind: 'qident', text: `"${name.replaceAll('"', '""')}"`, value: name };
}

export function rawToken(text: string): Token {
  return { kind: 'op', text, value: text };
}

/** Joins tokens back into SQL with spaces only where they are needed. */
export function render(tokens: readonly Token[]): string {
  let out = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    const glue = prev === undefined || prev.text === '.' || t.text === '.' || prev.text === '::' || t.text === '::' || prev.text === '(' || t.text === ')' || t.text === ',' || (t.text === '(' && prev.kind === 'word');
    out += glue ? t.text : ` ${t.text}`;
    prev = t;
  }
  return out;
}

export class SqlSyntaxError extends Error {}
