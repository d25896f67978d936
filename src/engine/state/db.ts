// What every state operation needs: something to run a query on, and the qualified names of the
// status tables in the configured schema.
import pg from 'pg';

/** A pg Client, PoolClient or Pool. Operations that need a transaction take a `pg.ClientBase`. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface StatusTables {
  schema: string;
  runs: string;
  tables: string;
  chunks: string;
  workers: string;
  tunings: string;
}

export function statusTables(schema: string): StatusTables {
  const s = pg.escapeIdentifier(schema);
  return {
    schema: s,
    runs: `${s}.migration_runs`,
    tables: `${s}.migration_table_status`,
    chunks: `${s}.migration_chunk_status`,
    workers: `${s}.migration_workers`,
    tunings: `${s}.migration_run_tunings`,
  };
}

/** Runs `work` in a transaction on a dedicated client; rolls back when it throws. */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A failed ROLLBACK means the connection is gone, which rolls back too; the first error matters.
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
