// Creates or upgrades the status schema: numbered migrations from sql/migrations, applied in
// order, each id recorded once. An advisory lock makes processes that start together take turns,
// and everything runs in one transaction, so a schema is either fully upgraded or untouched.
import pg from 'pg';
import { sqlFiles } from '../../generated/sql';
import { targetErrorFrom } from '../pgErrors';
import { inTransaction } from './db';

const MIGRATION_PREFIX = 'migrations/';
/** Arbitrary, fixed: the first key of the two-key advisory lock, so Thaw's lock stands apart. */
const LOCK_NAMESPACE = 0x7448_4157; // "tHAW"

export interface Migration {
  id: string;
  sql: string;
}

/** The migrations compiled from sql/migrations, in id order. */
export function statusMigrations(): Migration[] {
  return Object.entries(sqlFiles)
    .filter(([name]) => name.startsWith(MIGRATION_PREFIX))
    .map(([name, sql]) => ({ id: name.slice(MIGRATION_PREFIX.length).replace(/\.sql$/, ''), sql }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Puts the quoted schema name where a file says :"status_schema" (psql's quoted-variable form). */
export function withStatusSchema(sql: string, schema: string): string {
  return sql.replaceAll(':"status_schema"', pg.escapeIdentifier(schema));
}

/** Applies the migrations not yet applied to `schema`; returns the ids it applied. */
export async function applyStatusSchema(client: pg.ClientBase, schema: string): Promise<string[]> {
  const s = pg.escapeIdentifier(schema);
  try {
    return await inTransaction(client, async () => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${s}.schema_migrations`);
      const applied = new Set(rows.map((r) => r.id));
      const pending = statusMigrations().filter((m) => !applied.has(m.id));
      for (const m of pending) {
        await client.query(withStatusSchema(m.sql, schema));
        await client.query(`INSERT INTO ${s}.schema_migrations (id) VALUES ($1)`, [m.id]);
      }
      return pending.map((m) => m.id);
    });
  } catch (err) {
    throw targetErrorFrom(err, `cannot create the status tables in schema ${s}`);
  }
}
