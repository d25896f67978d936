import { type Queryable } from './db';

/** Whether the status schema has been created: before the first run it has not, and nothing is open. */
export async function statusSchemaExists(db: Queryable, schema: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT to_regclass(format('%I.migration_runs', $1::text)) IS NOT NULL AS present`, [schema]);
  return Boolean(rows[0]?.present);
}
