// The target tables themselves: create one from the plan's column mapping, check an existing one
// against it, empty it, and finish a table Thaw created (primary key, statistics).
import pg from 'pg';
import { RefusedError, TargetError } from '../errors';
import type { ColumnMapping } from '../types/model';
import { isPgTypeName } from '../types/pgTypeName';
import { targetErrorFrom } from '../pgErrors';

export function qualifiedName(schema: string, table: string): string {
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

// The stored mapping goes into CREATE TABLE: checked again by the one grammar, so that nothing
// but a type name (no `;`, no comment) can reach the DDL, whoever wrote the status row.
function checkTypeName(mapping: ColumnMapping, table: string): string {
  const type = mapping.targetType.trim();
  if (!isPgTypeName(type)) {
    throw new RefusedError(`"${type}" is not a PostgreSQL type name`, { table, column: mapping.targetName });
  }
  return type;
}

export async function tableExists(db: pg.ClientBase | pg.Pool, schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS found`,
    [schema, table],
  );
  return Boolean(rows[0]?.found);
}

/** Creates schema (if missing) and table with the mapped names and types; NOT NULL where Snowflake has it. */
export async function createTargetTable(db: pg.ClientBase | pg.Pool, schema: string, table: string, mappings: ColumnMapping[]): Promise<void> {
  const name = qualifiedName(schema, table);
  const columns = mappings.map(
    (m) => `${pg.escapeIdentifier(m.targetName)} ${checkTypeName(m, `${schema}.${table}`)}${m.source.nullable ? '' : ' NOT NULL'}`,
  );
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await db.query(`CREATE TABLE ${name} (\n  ${columns.join(',\n  ')}\n)`);
  } catch (err) {
    throw targetErrorFrom(err, `cannot create table ${name}`, { table: `${schema}.${table}` });
  }
}

export interface ColumnCheck {
  /** Differences that do not stop a load (a type that differs but accepts the values' text). */
  warnings: string[];
}

/**
 * Checks that an existing table can take the mapped columns: every mapped column exists, and no
 * unmapped column is NOT NULL without a default (COPY would fail every row). Type differences are
 * warnings: COPY parses the text into whatever the column is, and fails clearly if it cannot.
 */
export async function checkTargetColumns(
  db: pg.ClientBase | pg.Pool,
  schema: string,
  table: string,
  mappings: ColumnMapping[],
): Promise<ColumnCheck> {
  const name = `${schema}.${table}`;
  const { rows } = await db.query<{ name: string; type: string; not_null: boolean; has_default: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [schema, table],
  );
  if (rows.length === 0) throw new TargetError(`target table ${qualifiedName(schema, table)} does not exist`, false, { table: name });
  const existing = new Map(rows.map((r) => [r.name, r]));
  const warnings: string[] = [];
  for (const m of mappings) {
    const column = existing.get(m.targetName);
    if (!column) {
      throw new TargetError(
        `target table ${qualifiedName(schema, table)} has no column ${pg.escapeIdentifier(m.targetName)} (for Snowflake column ${m.source.name})`,
        false,
        { table: name, column: m.targetName },
      );
    }
    if (normaliseType(column.type) !== normaliseType(m.targetType)) {
      warnings.push(`column ${m.targetName} is ${column.type} in the target, the mapping says ${m.targetType}`);
    }
  }
  const mapped = new Set(mappings.map((m) => m.targetName));
  for (const r of rows) {
    if (!mapped.has(r.name) && r.not_null && !r.has_default) {
      throw new TargetError(
        `target table ${qualifiedName(schema, table)} has a NOT NULL column ${pg.escapeIdentifier(r.name)} without a default that no source column fills`,
        false,
        { table: name, column: r.name },
      );
    }
  }
  return { warnings };
}

const TYPE_ALIASES: Record<string, string> = {
  int8: 'bigint',
  int4: 'integer',
  int: 'integer',
  int2: 'smallint',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  varchar: 'character varying',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
  decimal: 'numeric',
};

function normaliseType(type: string): string {
  const t = type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')');
  const match = /^([a-z0-9_ ]+?)(\(.*\))?( with(?:out)? time zone)?$/.exec(t);
  if (!match) return t;
  const base = TYPE_ALIASES[match[1]!] ?? match[1]!;
  // timestamp(6) with time zone: the precision sits between the name and the zone.
  if (match[3] || base.endsWith('time zone')) {
    const head = base.replace(/ with(?:out)? time zone$/, '');
    const zone = match[3] ?? base.slice(head.length);
    return `${head}${match[2] ?? ''}${zone}`;
  }
  return `${base}${match[2] ?? ''}`;
}

export async function isTableEmpty(db: pg.ClientBase | pg.Pool, schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT NOT EXISTS (SELECT 1 FROM ${qualifiedName(schema, table)}) AS empty`);
  return Boolean(rows[0]?.empty);
}

/**
 * Empties a table and returns how many rows it removed, for the run's record and its log. The
 * count and the TRUNCATE share a transaction whose lock keeps writers out between the two.
 */
export async function truncateTable(db: pg.Pool, schema: string, table: string): Promise<number> {
  const name = qualifiedName(schema, table);
  const client = await db.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`);
    await client.query(`TRUNCATE TABLE ${name}`);
    await client.query('COMMIT');
    return Number(rows[0]!.n);
  } catch (err) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw targetErrorFrom(err, `cannot truncate ${name}`, { table: `${schema}.${table}` });
  } finally {
    // A connection that failed mid-transaction is not handed to anyone else.
    client.release(failed);
  }
}

/**
 * After the full load of a table Thaw created: adds the primary key (unless it already has one,
 * e.g. on resume after a crash between this step and its status mark) and ANALYZEs it. Duplicate
 * keys in the data fail with a DataError naming the table. Several workers of a run can get here
 * for the same table at once (each finishing its share): the table lock makes the check and the
 * ALTER one step, so the second finds the first's key instead of adding another.
 */
export async function addPrimaryKeyAndAnalyze(pool: pg.Pool, schema: string, table: string, primaryKey: string[]): Promise<void> {
  const name = qualifiedName(schema, table);
  try {
    if (primaryKey.length > 0) {
      const client = await pool.connect();
      let failed = false;
      try {
        await client.query('BEGIN');
        await client.query(`LOCK TABLE ${name} IN SHARE ROW EXCLUSIVE MODE`);
        const { rows } = await client.query(
          `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS has_pk`,
          [name],
        );
        if (!rows[0]?.has_pk) {
          await client.query(`ALTER TABLE ${name} ADD PRIMARY KEY (${primaryKey.map((c) => pg.escapeIdentifier(c)).join(', ')})`);
        }
        await client.query('COMMIT');
      } catch (err) {
        failed = true;
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release(failed);
      }
    }
    await pool.query(`ANALYZE ${name}`);
  } catch (err) {
    throw targetErrorFrom(err, `cannot add the primary key (${primaryKey.join(', ')}) to ${name}`, { table: `${schema}.${table}` });
  }
}
