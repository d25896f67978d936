// Reads a table's Time Travel retention; creates and drops the snapshot clones that outlive it.
import { DefinitionError } from '../errors';
import type { SnowflakeSource } from './connection';
import { describeTable, toCount } from './metadata';
import type { Snapshot, SourceTable } from './sql';
import { createCloneStatement, dropCloneStatement, tableRetentionStatement } from './snapshotSql';

/** The table's DATA_RETENTION_TIME_IN_DAYS. */
export async function readRetentionDays(source: SnowflakeSource, table: SourceTable): Promise<number> {
  const { sql, binds } = tableRetentionStatement(table);
  const [row] = await source.execute<{ RETENTION_TIME: unknown }>(sql, binds, { table: describeTable(table) });
  if (!row) throw new DefinitionError(`source table ${describeTable(table)} does not exist`, { table: describeTable(table) });
  return toCount(row.RETENTION_TIME, 'RETENTION_TIME');
}

export async function createClone(source: SnowflakeSource, clone: SourceTable, of: SourceTable, snapshot: Snapshot): Promise<void> {
  const { sql, binds } = createCloneStatement(clone, of, snapshot);
  await source.execute(sql, binds, { table: describeTable(of) });
}

export async function dropClone(source: SnowflakeSource, clone: SourceTable): Promise<void> {
  const { sql, binds } = dropCloneStatement(clone);
  await source.execute(sql, binds, { table: describeTable(clone) });
}
