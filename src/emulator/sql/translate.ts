// Snowflake SQL → DuckDB SQL, over a token stream (see lexer.ts). Everything DuckDB lacks is
// either a macro installed on every connection (macros.ts) or one of the rewrites here:
//   - TO_VARCHAR/TO_CHAR with a datetime format, CURRENT_TIMESTAMP(), TO_JSON
//   - Snowflake type names in CAST / `::` / CREATE TABLE, TIMESTAMP_TZ casts that parse offsets
//   - "DB"."SCHEMA"."TABLE" (PUBLIC → main), INFORMATION_SCHEMA.COLUMNS/TABLES
//   - `<table> AT(TIMESTAMP => expr)` → a placeholder the time-travel store resolves
//   - unquoted identifiers upper-cased, as Snowflake stores and reports them
//   - retention settings, clones and SHOW TABLES (tableStatements.ts)
import { formatDatetimeSql } from './dateFormat';
import { identToken, lex, rawToken, render, SqlSyntaxError, type Token } from './lexer';
import { cloneAsSelect, isShowTables, retentionSetting, showTablesSql } from './tableStatements';
import { readType } from './types';

export interface TableName {
  /** DuckDB schema name ('main' for Snowflake's PUBLIC). */
  schema: string;
  table: string;
}

export interface TimeTravelRead {
  /** Token in `sql` to replace with the table (or version) to read. */
  placeholder: string;
  table: TableName;
  /** DuckDB expression giving the instant (TIMESTAMP =>) or seconds back (OFFSET =>). */
  at: { kind: 'TIMESTAMP' | 'OFFSET'; sql: string };
}

export interface TypeOverride {
  table: string;
  column: string;
  type: string;
}

export type StatementKind = 'query' | 'modify' | 'ddl' | 'noop';

export interface TranslatedStatement {
  sql: string;
  kind: StatementKind;
  /** The table this statement changes (whose current state time travel must keep). */
  modifies: TableName | null;
  timeTravel: TimeTravelRead[];
  /** Columns created with a Snowflake type DuckDB cannot hold natively (TIMESTAMP_TZ, OBJECT, ARRAY). */
  typeOverrides: TypeOverride[];
  readsTablesView: boolean;
  /** ALTER TABLE … SET DATA_RETENTION_TIME_IN_DAYS: the emulator keeps it; nothing runs in DuckDB. */
  setRetention?: { table: TableName; days: number };
  /** CREATE TABLE … CLONE: the cloned table, whose Snowflake type overrides the clone gets too. */
  cloneOf?: TableName;
}

export const COLUMNS_VIEW = '__sf_columns';
export const TABLES_VIEW = '__sf_tables';

const KEYWORDS = new Set(
  `SELECT FROM WHERE AND OR NOT NULL IS IN AS ON JOIN LEFT RIGHT INNER OUTER FULL CROSS NATURAL USING GROUP BY ORDER
  HAVING LIMIT OFFSET UNION ALL DISTINCT EXCEPT INTERSECT MINUS CASE WHEN THEN ELSE END WITH RECURSIVE OVER PARTITION
  ROWS RANGE BETWEEN UNBOUNDED PRECEDING FOLLOWING CURRENT ROW ASC DESC NULLS FIRST LAST INSERT INTO VALUES UPDATE SET
  DELETE CREATE TABLE VIEW SCHEMA DATABASE DROP ALTER ADD COLUMN RENAME TO IF EXISTS REPLACE TEMP TEMPORARY TRANSIENT
  PRIMARY KEY FOREIGN REFERENCES UNIQUE CHECK DEFAULT CONSTRAINT TRUE FALSE LIKE ILIKE ESCAPE CAST TRY_CAST INTERVAL
  YEAR YEARS MONTH MONTHS DAY DAYS HOUR HOURS MINUTE MINUTES SECOND SECONDS WEEK QUARTER EPOCH MILLISECOND MICROSECOND
  TRUNCATE MERGE MATCHED QUALIFY FILTER WITHIN COLLATE ANY SOME LATERAL TOP SAMPLE TABLESAMPLE SHOW DESCRIBE USE
  SESSION BEGIN COMMIT ROLLBACK TRANSACTION WORK START EXPLAIN CURRENT_TIMESTAMP CURRENT_DATE CURRENT_TIME
  LOCALTIMESTAMP CURRENT_USER AT BEFORE IGNORE RESPECT AUTOINCREMENT IDENTITY COMMENT FOR OF WINDOW ONLY
  INT INTEGER BIGINT SMALLINT TINYINT HUGEINT BYTEINT NUMBER NUMERIC DECIMAL DEC FLOAT FLOAT4 FLOAT8 DOUBLE PRECISION
  REAL VARCHAR CHAR CHARACTER VARYING STRING TEXT BINARY VARBINARY BLOB BOOLEAN BOOL DATE TIME TIMESTAMP TIMESTAMPTZ
  TIMESTAMP_NS TIMESTAMP_NTZ TIMESTAMP_LTZ TIMESTAMP_TZ DATETIME VARIANT OBJECT ARRAY JSON UUID ZONE`.split(/\s+/),
);

const TABLE_CONSTRAINTS = new Set(['PRIMARY', 'CONSTRAINT', 'UNIQUE', 'FOREIGN', 'CHECK']);
const TZ_TYPES = new Set(['TIMESTAMP_TZ', 'TIMESTAMP_LTZ']);
const OVERRIDDEN_TYPES = new Set(['TIMESTAMP_TZ', 'OBJECT', 'ARRAY']);

export function translate(snowflakeSql: string): TranslatedStatement[] {
  const statements: Token[][] = [[]];
  for (const t of lex(snowflakeSql)) {
    if (t.text === ';') statements.push([]);
    else statements[statements.length - 1]!.push(t);
  }
  const nonEmpty = statements.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) throw new SqlSyntaxError('empty SQL text');
  return nonEmpty.map(translateStatement);
}

function translateStatement(tokens: Token[]): TranslatedStatement {
  const head = tokens.slice(0, 4).map((t) => (t.kind === 'word' ? t.value.toUpperCase() : t.text));
  const state: TranslationState = { timeTravel: [], typeOverrides: [], readsTablesView: false };
  const result = (kind: StatementKind, modifies: TableName | null, out: Token[]): TranslatedStatement => ({
    sql: render(out),
    kind,
    modifies,
    ...state,
  });
  if (['USE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'START'].includes(head[0]!) || (head[0] === 'ALTER' && head[1] === 'SESSION')) {
    return result('noop', null, tokens);
  }
  const target = modifiedTable(tokens, head);
  if (isShowTables(tokens)) {
    state.readsTablesView = true;
    return { ...result('query', null, []), sql: showTablesSql(tokens, TABLES_VIEW) };
  }
  if (head[0] === 'ALTER' && target) {
    const days = retentionSetting(tokens);
    if (days !== null) return { ...result('noop', null, []), setRetention: { table: target, days } };
  }
  const clone = head[0] === 'CREATE' && target ? cloneAsSelect(tokens) : null;
  if (clone && target) {
    const out = rewrite(clone, state);
    const cloneOf = state.timeTravel[0]?.table ?? readChain(clone, clone.findIndex((t) => t.text === 'AS SELECT * FROM') + 1)?.table;
    return { ...result('ddl', target, out), ...(cloneOf ? { cloneOf } : {}) };
  }
  if (head[0] === 'CREATE' && target) {
    const out = translateCreateTable(tokens, target, state);
    return result('ddl', target, out);
  }
  const out = rewrite(tokens, state);
  if (['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE'].includes(head[0]!)) return result('modify', target, out);
  if (['CREATE', 'DROP', 'ALTER'].includes(head[0]!)) return result('ddl', target, out);
  return result('query', null, out);
}

interface TranslationState {
  timeTravel: TimeTravelRead[];
  typeOverrides: TypeOverride[];
  readsTablesView: boolean;
}

/** The table named right after INSERT INTO / UPDATE / DELETE FROM / TRUNCATE / DROP|ALTER|CREATE TABLE. */
function modifiedTable(tokens: Token[], head: string[]): TableName | null {
  let i = 0;
  const skip = (...words: string[]) => {
    while (i < tokens.length && tokens[i]!.kind === 'word' && words.includes(tokens[i]!.value.toUpperCase())) i++;
  };
  switch (head[0]) {
    case 'INSERT':
    case 'MERGE':
      i = 1;
      skip('INTO', 'OVERWRITE');
      break;
    case 'UPDATE':
      i = 1;
      break;
    case 'DELETE':
      i = 1;
      skip('FROM');
      break;
    case 'TRUNCATE':
      i = 1;
      skip('TABLE', 'IF', 'EXISTS');
      break;
    case 'DROP':
    case 'ALTER':
    case 'CREATE':
      i = 1;
      skip('OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'TRANSIENT', 'LOCAL', 'GLOBAL');
      if (tokens[i]?.value.toUpperCase() !== 'TABLE') return null;
      i++;
      skip('IF', 'NOT', 'EXISTS');
      break;
    default:
      return null;
  }
  const chain = readChain(tokens, i);
  return chain ? chain.table : null;
}

interface Chain {
  table: TableName;
  length: number;
  parts: number;
}

/** Reads `a.b.c` / `a.b` / `a` (words or quoted identifiers) as a table name. */
function readChain(tokens: readonly Token[], i: number): Chain | null {
  const names: string[] = [];
  let j = i;
  while (isName(tokens[j])) {
    names.push(nameOf(tokens[j]!));
    if (tokens[j + 1]?.text !== '.' || !isName(tokens[j + 2])) break;
    j += 2;
  }
  if (names.length === 0) return null;
  const table = names[names.length - 1]!;
  const schema = names.length >= 2 ? duckdbSchema(names[names.length - 2]!) : 'main';
  return { table: { schema, table }, length: j - i + 1, parts: names.length };
}

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'qident' || (t.kind === 'word' && !KEYWORDS.has(t.value.toUpperCase())));
}

/** Snowflake stores unquoted names in upper case. */
function nameOf(t: Token): string {
  return t.kind === 'qident' ? t.value : t.value.toUpperCase();
}

export function duckdbSchema(snowflakeSchema: string): string {
  return snowflakeSchema.toUpperCase() === 'PUBLIC' ? 'main' : snowflakeSchema;
}

function tableTokens(name: TableName): Token[] {
  return [identToken(name.schema), rawToken('.'), identToken(name.table)];
}

function translateCreateTable(tokens: Token[], target: TableName, state: TranslationState): Token[] {
  const open = tokens.findIndex((t) => t.text === '(');
  const isAs = tokens.slice(0, open < 0 ? tokens.length : open).some((t) => t.kind === 'word' && t.value.toUpperCase() === 'AS');
  if (open < 0 || isAs) return rewrite(tokens, state);
  const out = rewrite(tokens.slice(0, open), state);
  out.push(rawToken('('));
  let depth = 0;
  let i = open + 1;
  let atColumnStart = true;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.text === '(') depth++;
    if (t.text === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && t.text === ',') {
      out.push(t);
      atColumnStart = true;
      i++;
      continue;
    }
    if (atColumnStart && (t.kind === 'qident' || (t.kind === 'word' && !TABLE_CONSTRAINTS.has(t.value.toUpperCase())))) {
      const column = nameOf(t);
      const type = readType(tokens, i + 1);
      out.push(identToken(column));
      if (type) {
        const stored = type.snowflake === 'TIMESTAMP_TZ' ? 'VARCHAR' : type.duckdb;
        if (OVERRIDDEN_TYPES.has(type.snowflake)) state.typeOverrides.push({ table: target.table, column, type: type.snowflake });
        out.push(rawToken(stored));
        i += 1 + type.length;
      } else i++;
      atColumnStart = false;
      continue;
    }
    atColumnStart = false;
    out.push(...rewrite([t], state));
    i++;
  }
  out.push(...rewrite(tokens.slice(i), state));
  return out;
}

/** The tokens of one statement with every Snowflake-only construct replaced. */
function rewrite(tokens: readonly Token[], state: TranslationState): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const upper = t.kind === 'word' ? t.value.toUpperCase() : '';
    const next = tokens[i + 1];

    if (t.kind === 'word' && next?.text === '(') {
      if (REWRITTEN_CALLS.has(upper)) {
        const call = readCall(tokens, i + 1);
        const sql = rewriteCall(upper, call.args, (arg) => render(rewrite(arg, state)));
        if (sql !== null) {
          out.push(rawToken(sql));
          i = call.end;
          continue;
        }
      }
      out.push(t);
      i++;
      continue;
    }

    if (t.text === '::') {
      const type = readType(tokens, i + 1);
      if (!type) throw new SqlSyntaxError(`unknown type after :: near "${tokens[i + 1]?.text ?? ''}"`);
      const operand = popOperand(out);
      out.push(rawToken(castSql(render(operand), type.snowflake, type.duckdb)));
      i += 1 + type.length;
      continue;
    }

    if (isName(t)) {
      const chain = readChain(tokens, i)!;
      const after = i + chain.length;
      const lastName = chain.table.table.toUpperCase();
      const schema = chain.parts >= 2 ? chain.table.schema.toUpperCase() : '';
      if (schema === 'INFORMATION_SCHEMA' && (lastName === 'COLUMNS' || lastName === 'TABLES')) {
        if (lastName === 'TABLES') state.readsTablesView = true;
        out.push(identToken(lastName === 'COLUMNS' ? COLUMNS_VIEW : TABLES_VIEW));
        i = after;
        continue;
      }
      const at = readTimeTravel(tokens, after, state);
      if (at) {
        const placeholder = `__thaw_tt_${state.timeTravel.length}__`;
        state.timeTravel.push({ placeholder, table: chain.table, at: at.at });
        out.push(rawToken(placeholder), rawToken('AS'), identToken(chain.table.table));
        i = at.end;
        continue;
      }
      if (chain.parts >= 3 || (chain.parts === 2 && schema === 'PUBLIC')) {
        out.push(...tableTokens(chain.table));
      } else {
        for (let j = i; j < after; j++) out.push(tokens[j]!.text === '.' ? tokens[j]! : identToken(nameOf(tokens[j]!)));
      }
      i = after;
      continue;
    }

    out.push(t);
    i++;
  }
  return out;
}

interface Call {
  args: Token[][];
  /** Index just past the closing parenthesis. */
  end: number;
}

function readCall(tokens: readonly Token[], open: number): Call {
  let depth = 0;
  for (let j = open + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.text === '(') depth++;
    else if (t.text === ')' && depth-- === 0) {
      const args = splitTopLevel(tokens.slice(open + 1, j), ',');
      return { args: args.length === 1 && args[0]!.length === 0 ? [] : args, end: j + 1 };
    }
  }
  throw new SqlSyntaxError('unbalanced parentheses');
}

const REWRITTEN_CALLS = new Set(['TO_VARCHAR', 'TO_CHAR', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'SYSTIMESTAMP', 'GETDATE', 'SYSDATE', 'CURRENT_DATE', 'TO_JSON', 'PARSE_JSON', 'CONCAT', 'CONCAT_WS', 'CAST', 'TRY_CAST']);

const BINARY_FORMATS: Record<string, (arg: string) => string> = {
  HEX: (a) => `upper(hex(${a}))`,
  BASE64: (a) => `to_base64(${a})`,
  'UTF-8': (a) => `decode(${a})`,
  UTF8: (a) => `decode(${a})`,
};

function rewriteCall(name: string, args: Token[][], sub: (arg: Token[]) => string): string | null {
  switch (name) {
    case 'TO_VARCHAR':
    case 'TO_CHAR': {
      const format = args[1];
      if (args.length === 1) return `sf_to_varchar(${sub(args[0]!)})`;
      if (args.length === 2 && format?.length === 1 && format[0]!.kind === 'string') {
        // TO_VARCHAR(<binary>, 'HEX' | 'BASE64' | 'UTF-8'): Snowflake's binary-to-text formats.
        const binary = BINARY_FORMATS[format[0]!.value.toUpperCase()];
        return binary ? binary(sub(args[0]!)) : formatDatetimeSql(sub(args[0]!), format[0]!.value);
      }
      throw new SqlSyntaxError(`${name} supports one argument or a literal datetime format`);
    }
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIMESTAMP':
    case 'SYSTIMESTAMP':
    case 'GETDATE':
      return 'sf_now()';
    case 'SYSDATE':
      return 'CAST(sf_now() AS TIMESTAMP)';
    case 'CURRENT_DATE':
      return 'current_date';
    case 'TO_JSON':
      return `sf_to_json(${args.map(sub).join(', ')})`;
    case 'PARSE_JSON':
      return `sf_parse_json(${args.map(sub).join(', ')})`;
    case 'CONCAT':
      return concat(args, sub);
    case 'CONCAT_WS':
      return concatWs(args, sub);
    default: {
      // CAST / TRY_CAST: the type words are Snowflake's, the operand is rewritten as usual.
      const inner = args[0] ?? [];
      const asAt = lastTopLevelAs(inner);
      const type = asAt < 0 ? null : readType(inner, asAt + 1);
      if (!type) return null;
      return castSql(sub(inner.slice(0, asAt)), type.snowflake, type.duckdb, name === 'TRY_CAST');
    }
  }
}

/** Snowflake's CONCAT is NULL when any argument is; DuckDB's concat skips NULL arguments. */
function concat(args: Token[][], sub: (arg: Token[]) => string): string {
  if (args.length === 0) throw new SqlSyntaxError('CONCAT needs at least one argument');
  const values = args.map((a) => `(${sub(a)})`);
  if (args.every(neverNull)) return `concat(${values.join(', ')})`;
  return `(CASE WHEN ${values.map((v) => `${v} IS NULL`).join(' OR ')} THEN NULL ELSE concat(${values.join(', ')}) END)`;
}

/**
 * Snowflake's CONCAT_WS is NULL when any argument is; DuckDB's skips NULL arguments. DuckDB's own
 * function (one allocation per row) is used when no argument can be NULL, as in a chunk's row
 * expression, whose every field is COALESCEd; otherwise the same NULL-propagating `||` chain.
 */
function concatWs(args: Token[][], sub: (arg: Token[]) => string): string {
  const [separator, ...values] = args;
  if (!separator || values.length === 0) throw new SqlSyntaxError('CONCAT_WS needs a separator and at least one value');
  if (args.every(neverNull)) return `concat_ws(${args.map(sub).join(', ')})`;
  const sep = sub(separator);
  return `(CASE WHEN (${sep}) IS NULL THEN NULL ELSE ${values.map((v) => `(${sub(v)})`).join(` || (${sep}) || `)} END)`;
}

/** Whether an expression is NULL for no row: a literal, CHR(n), `||` of such, or COALESCE ending in one. */
function neverNull(tokens: readonly Token[]): boolean {
  const operands = splitTopLevel(tokens, '||');
  if (operands.length > 1) return operands.every(neverNull);
  const [first, second] = tokens;
  if (tokens.length === 1) return first!.kind === 'string' || first!.kind === 'number';
  if (first?.kind !== 'word' || second?.text !== '(') return false;
  const call = readCall(tokens, 1);
  if (call.end !== tokens.length) return false;
  const name = first.value.toUpperCase();
  if (name === 'CHR') return call.args.length === 1 && call.args[0]!.length === 1 && call.args[0]![0]!.kind === 'number';
  return name === 'COALESCE' && call.args.length > 0 && neverNull(call.args[call.args.length - 1]!);
}

/** `tokens` cut at each `operator` outside parentheses. */
function splitTopLevel(tokens: readonly Token[], operator: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'op' && t.text === operator) {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1]!.push(t);
  }
  return parts;
}

function lastTopLevelAs(tokens: readonly Token[]): number {
  let depth = 0;
  let found = -1;
  tokens.forEach((t, j) => {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value.toUpperCase() === 'AS') found = j;
  });
  return found;
}

/** TIMESTAMP_TZ/LTZ casts parse '... +05:30' offsets themselves (DuckDB needs ICU for that). */
function castSql(operand: string, snowflakeType: string, duckdbType: string, tryCast = false): string {
  if (TZ_TYPES.has(snowflakeType)) return `sf_to_tz(${operand})`;
  return `${tryCast ? 'TRY_CAST' : 'CAST'}(${operand} AS ${duckdbType})`;
}

/** Removes and returns the operand just before `::` from the output. */
function popOperand(out: Token[]): Token[] {
  const last = out[out.length - 1];
  if (!last) throw new SqlSyntaxError(':: without an operand');
  if (last.text === ')') {
    let depth = 0;
    for (let j = out.length - 1; j >= 0; j--) {
      if (out[j]!.text === ')') depth++;
      else if (out[j]!.text === '(') depth--;
      if (depth === 0) {
        const start = j > 0 && out[j - 1]!.kind === 'word' ? j - 1 : j;
        return out.splice(start);
      }
    }
    throw new SqlSyntaxError('unbalanced parentheses before ::');
  }
  let start = out.length - 1;
  while (start >= 2 && out[start - 1]!.text === '.') start -= 2;
  return out.splice(start);
}

/** `AT(TIMESTAMP => expr)` / `AT(OFFSET => expr)` / `BEFORE(...)` right after a table name. */
function readTimeTravel(tokens: readonly Token[], i: number, state: TranslationState): { at: TimeTravelRead['at']; end: number } | null {
  const word = tokens[i];
  if (!word || word.kind !== 'word' || !/^(AT|BEFORE)$/i.test(word.value) || tokens[i + 1]?.text !== '(') return null;
  const call = readCall(tokens, i + 1);
  const arg = call.args[0] ?? [];
  const kind = arg[0]?.value.toUpperCase();
  if (call.args.length !== 1 || arg[1]?.text !== '=>' || (kind !== 'TIMESTAMP' && kind !== 'OFFSET')) {
    throw new SqlSyntaxError('time travel supports AT(TIMESTAMP => ...) and AT(OFFSET => ...)');
  }
  return { at: { kind, sql: render(rewrite(arg.slice(2), state)) }, end: call.end };
}
