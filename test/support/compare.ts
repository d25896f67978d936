// Compares a source table (read straight from the emulator's DuckDB) with its PostgreSQL copy,
// value for value, after bringing both sides to one canonical text per type.
import assert from 'node:assert/strict';
import type { Fixture } from './migration';

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
    case 'instant_text':
      return `CAST(epoch_us(CAST(${q} AS TIMESTAMPTZ)) AS VARCHAR)`;
    case 'binary':
      return `hex(${q})`;
    case 'time':
      return `strftime(TIMESTAMP '2000-01-01' + ${q}, '%H:%M:%S.%f')`;
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

function canonical(kind: Kind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (kind) {
    case 'float': {
      const n = Number(text.replace(/^inf$/i, 'Infinity').replace(/^-inf$/i, '-Infinity'));
      return Number.isNaN(n) ? 'NaN' : n;
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

/**
 * Asserts that the target holds exactly the source's rows: same count, and for every key value
 * every column equal. `key` must be a column without NULLs in both tables, or rows are paired by
 * the key with NULL keys compared as a group ordered by all columns.
 */
export async function assertTablesEqual(
  fx: Fixture,
  source: { schema: string; table: string },
  target: { schema: string; table: string },
  columns: CompareColumn[],
): Promise<number> {
  const src = (await fx.emulator.sql(
    `SELECT ${columns.map((c) => `${sourceExpr(c)} AS "${c.name}"`).join(', ')} FROM ${source.schema}."${source.table}"`,
  )) as Record<string, unknown>[];
  const tgt = await fx.query(`SELECT ${columns.map((c) => `${targetExpr(c)} AS "${c.name}"`).join(', ')} FROM "${target.schema}"."${target.table}"`);
  assert.equal(tgt.length, src.length, `row count: target ${tgt.length}, source ${src.length}`);
  const rowKey = (row: Record<string, unknown>) => JSON.stringify(columns.map((c) => canonical(c.kind, row[c.name])));
  const count = (rows: Record<string, unknown>[]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(rowKey(r), (m.get(rowKey(r)) ?? 0) + 1);
    return m;
  };
  const want = count(src);
  const got = count(tgt);
  const missing = [...want].filter(([k, n]) => got.get(k) !== n).slice(0, 3);
  assert.deepEqual(missing, [], `rows that differ (source side shown):\n${missing.map(([k]) => k).join('\n')}\ntarget has e.g.:\n${[...got.keys()].filter((k) => !want.has(k)).slice(0, 3).join('\n')}`);
  return src.length;
}
