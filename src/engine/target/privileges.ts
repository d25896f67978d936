// Checks before anything is written that the PostgreSQL role may do what the run will ask of it,
// so a missing grant stops `thaw plan`/`thaw start` with exit 2 and the grant to give, rather than
// failing after the status tables, the run or a target table were written. PostgreSQL answers for
// the connected role (has_*_privilege), so grants through role membership count.
import pg from 'pg';
import type { ResolvedConfig, ResolvedTable } from '../config';
import { PrivilegeError, type ErrorContext } from '../errors';

type Queryable = Pick<pg.Pool, 'query'>;

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const;
type TablePrivilege = (typeof TABLE_PRIVILEGES)[number];

interface SchemaGrants {
  usage: boolean;
  create: boolean;
}

interface Place {
  role: string;
  database: string;
  /** CREATE on the database: may create schemas. */
  createSchemas: boolean;
}

const q = (name: string) => pg.escapeIdentifier(name);

async function place(db: Queryable): Promise<Place> {
  const { rows } = await db.query<Place>(
    `SELECT current_user AS role, current_database() AS database, has_database_privilege(current_database(), 'CREATE') AS "createSchemas"`,
  );
  return rows[0]!;
}

async function schemaGrants(db: Queryable, schemas: string[]): Promise<Map<string, SchemaGrants>> {
  const { rows } = await db.query<{ name: string } & SchemaGrants>(
    `SELECT nspname AS name, has_schema_privilege(oid, 'USAGE') AS usage, has_schema_privilege(oid, 'CREATE') AS "create"
       FROM pg_namespace WHERE nspname = ANY($1::text[])`,
    [schemas],
  );
  return new Map(rows.map((r) => [r.name, { usage: r.usage, create: r.create }]));
}

/** The privileges the role lacks on each existing table of `schema` (all of them, or those named). */
async function missingTablePrivileges(db: Queryable, schema: string, tables?: string[]): Promise<Map<string, TablePrivilege[]>> {
  const { rows } = await db.query<{ name: string; missing: TablePrivilege[] }>(
    `SELECT c.relname AS name,
            array(SELECT p FROM unnest($3::text[]) AS p WHERE NOT has_table_privilege(c.oid, p)) AS missing
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]))`,
    [schema, tables ?? null, [...TABLE_PRIVILEGES]],
  );
  return new Map(rows.map((r) => [r.name, r.missing]));
}

/** What a table's load needs: rows are read back (drift, emptiness), written, maybe truncated or merged. */
function neededOnTable(table: ResolvedTable): TablePrivilege[] {
  const needed: TablePrivilege[] = ['SELECT', 'INSERT'];
  if (!table.insert_only_mode) needed.push('UPDATE');
  if (table.truncate_onstart) needed.push('TRUNCATE');
  return needed;
}

function schemaError(p: Place, schema: string, what: string, context: ErrorContext, grants: SchemaGrants | undefined, needCreate: boolean): PrivilegeError | undefined {
  if (!grants) {
    if (p.createSchemas) return undefined;
    return new PrivilegeError(
      `${what} "${schema}" does not exist and role ${p.role} may not create it (no CREATE on database ${p.database}): create it with CREATE SCHEMA ${q(schema)} AUTHORIZATION ${q(p.role)}, or GRANT CREATE ON DATABASE ${q(p.database)} TO ${q(p.role)}`,
      context,
    );
  }
  const lacking = [...(grants.usage ? [] : ['USAGE']), ...(needCreate && !grants.create ? ['CREATE'] : [])];
  if (lacking.length === 0) return undefined;
  return new PrivilegeError(
    `role ${p.role} lacks ${lacking.join(' and ')} on ${what} "${schema}": GRANT ${lacking.join(', ')} ON SCHEMA ${q(schema)} TO ${q(p.role)}`,
    context,
  );
}

/**
 * Refuses (PrivilegeError) when the role cannot create or use the status schema and its tables, or
 * cannot create, read and write a target table the way its settings need.
 */
export async function checkTargetPrivileges(db: Queryable, config: ResolvedConfig): Promise<void> {
  const p = await place(db);
  const schemas = await schemaGrants(db, [config.status_schema, ...config.tables.map((t) => t.target_schema)]);

  const status = schemas.get(config.status_schema);
  const statusTables = status ? await missingTablePrivileges(db, config.status_schema) : new Map<string, TablePrivilege[]>();
  const statusError = schemaError(p, config.status_schema, 'status_schema', { path: 'status_schema' }, status, status !== undefined && statusTables.size === 0);
  if (statusError) throw statusError;
  for (const [name, missing] of statusTables) {
    const lacking = missing.filter((m) => m !== 'TRUNCATE');
    if (lacking.length === 0) continue;
    const table = `${q(config.status_schema)}.${q(name)}`;
    throw new PrivilegeError(`role ${p.role} lacks ${lacking.join(', ')} on status table ${table}: GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${q(config.status_schema)} TO ${q(p.role)}`, {
      path: 'status_schema',
    });
  }

  for (const [i, table] of config.tables.entries()) {
    const grants = schemas.get(table.target_schema);
    const existing = grants ? await missingTablePrivileges(db, table.target_schema, [table.target_table]) : new Map<string, TablePrivilege[]>();
    const missing = existing.get(table.target_table);
    const context = { table: table.name, path: `tables[${i}].target_schema` };
    const error = schemaError(p, table.target_schema, 'target_schema', context, grants, grants !== undefined && missing === undefined);
    if (error) throw error;
    const lacking = neededOnTable(table).filter((m) => missing?.includes(m));
    if (lacking.length > 0) {
      throw new PrivilegeError(
        `role ${p.role} lacks ${lacking.join(', ')} on target table ${table.name}: GRANT ${lacking.join(', ')} ON ${q(table.target_schema)}.${q(table.target_table)} TO ${q(p.role)}`,
        { table: table.name, path: `tables[${i}].target_table` },
      );
    }
  }
}
