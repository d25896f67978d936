// Compares a source table (read straight from the emulator's DuckDB) with its PostgreSQL copy,
// value for value, after bringing both sides to one canonical text per type.
import assert from 'node:assert/strict';

export type Kind = 'int' | 'decimal' | 'float' | 'text' | 'bool' | 'date' | 'time' | 'timestamp' | 'instant' | 'instant_text' | 'json' | 'binary';

export interface CompareColumn {
  name: string; // Snowflake (DuckDB) name, upper case
  kind: Kind;
}

function sourceExpr(c: CompareColumn): string {
  const q = `"${c.name}"`;
  switch (c.kind) {
    case 'timestamp':
      return `strftime(${q}, '%Y-%m-%d %H:%M:%S.%f')`;
    case 'instant':
      return `CAST(epoch_us(${q}) AS VARCHAR)`;
    case 'binary':
      return `hex(${q})`;
    case 'time':
      return `strftime(DATE '2000-01-01' + ${q}, '%H:%M:%S.%f')`;
    default:
      return `CAST(${q} AS VARCHAR)`;
  }
}

function targetExpr(c: CompareColumn): string {
  const q = `"${c.name.toLowerCase()}"`;
  switch (c.kind) {
    case 'timestamp':
      return `to_char(${q}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'instant':
    case 'instant_text':
      return `((extract(epoch from ${q}) * 1000000)::numeric(30,0))::text`;
    case 'binary':
      return `upper(encode(${q}, 'hex'))`;
    case 'time':
      return `to_char('2000-01-01'::timestamp + ${q}, 'HH24:MI:SS.US')`;
    default:
      return `${q}::text`;
  }
}

/** 'YYYY-MM-DD HH:MM:SS[.fffffffff] +HH:MM' (a TIMESTAMP_TZ held as text) as epoch microseconds. */
function epochMicrosOfOffsetText(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a TIMESTAMP_TZ text: ${text}`);
  const [, y, mo, d, h, mi, sec, frac = '', sign, oh, om] = m;
  const utcMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  // Microseconds kept, nanoseconds cut: PostgreSQL holds microseconds.
  const micros = BigInt(utcMs - offsetMinutes * 60_000) * 1000n + BigInt(frac.padEnd(6, '0').slice(0, 6));
  return micros.toString();
}

function canonical(kind: Kind, value: unknown, side: 'source' | 'target'): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (kind) {
    case 'instant_text':
      return side === 'source' ? epochMicrosOfOffsetText(text) : text;
    case 'float': {
      const n = Number(text.replace(/^inf$/i, 'Infinity').replace(/^-inf$/i, '-Infinity'));
      // JSON would print NaN and ±Infinity as null, the same as SQL NULL: keep them as words.
      return Number.isFinite(n) ? n : String(n);
    }
    case 'bool':
      return text === 'true' || text === 't';
    case 'json':
      return JSON.stringify(sortKeys(JSON.parse(text)));
    default:
      return text;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** What reads each side: the emulator's DuckDB for the source, PostgreSQL for the target. */
export interface ComparedSides {
  emulator: { sql(text: string): Promise<Record<string, unknown>[]> };
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export interface TableComparison {
  sourceRows: number;
  targetRows: number;
  /** Source rows the target lacks (or holds fewer times), counted with multiplicity. */
  missing: number;
  /** Target rows the source lacks (duplicates included), counted with multiplicity. */
  extra: number;
  /** A few of each, in their canonical form, for the message. */
  examples: { missing: string[]; extra: string[] };
}

/**
 * Compares the target with the source as multisets of rows, every column brought to one canonical
 * text: a row loaded twice, lost or changed counts, whatever the keys.
 */
export async function compareTables(
  sides: ComparedSides,
  source: { schema: string; table: string },
  target: { schema: string; table: string },
  columns: CompareColumn[],
): Promise<TableComparison> {
  const src = await sides.emulator.sql(`SELECT ${columns.map((c) => `${sourceExpr(c)} AS "${c.name}"`).join(', ')} FROM ${source.schema}."${source.table}"`);
  const tgt = await sides.query(`SELECT ${columns.map((c) => `${targetExpr(c)} AS "${c.name}"`).join(', ')} FROM "${target.schema}"."${target.table}"`);
  const count = (rows: Record<string, unknown>[], side: 'source' | 'target') => {
    const m = new Map<string, number>();
    for (const r of rows) {
      const key = JSON.stringify(columns.map((c) => canonical(c.kind, r[c.name], side)));
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return m;
  };
  const surplus = (of: Map<string, number>, over: Map<string, number>) => [...of].map(([k, n]) => [k, n - (over.get(k) ?? 0)] as const).filter(([, n]) => n > 0);
  const want = count(src, 'source');
  const got = count(tgt, 'target');
  const missing = surplus(want, got);
  const extra = surplus(got, want);
  const sum = (rows: ReadonlyArray<readonly [string, number]>) => rows.reduce((total, [, n]) => total + n, 0);
  return {
    sourceRows: src.length,
    targetRows: tgt.length,
    missing: sum(missing),
    extra: sum(extra),
    examples: { missing: missing.slice(0, 3).map(([k]) => k), extra: extra.slice(0, 3).map(([k]) => k) },
  };
}

/**
 * Asserts that the target holds exactly the source's rows: same count, and every row, with every
 * column, as many times on both sides. Returns the number of rows.
 */
export async function assertTablesEqual(
  sides: ComparedSides,
  source: { schema: string; table: string },
  target: { schema: string; table: string },
  columns: CompareColumn[],
): Promise<number> {
  const c = await compareTables(sides, source, target, columns);
  assert.equal(c.targetRows, c.sourceRows, `row count: target ${c.targetRows}, source ${c.sourceRows}`);
  assert.deepEqual(c.examples.missing, [], `rows that differ (source side shown):\n${c.examples.missing.join('\n')}\ntarget has e.g.:\n${c.examples.extra.join('\n')}`);
  return c.sourceRows;
}
