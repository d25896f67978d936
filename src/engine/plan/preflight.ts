// What can be known to fail before data moves is checked before anything is written, at `thaw
// plan` and again at `thaw start`: type names the target PostgreSQL does not know, and primary-key
// columns holding NULLs (PostgreSQL's primary key cannot hold them, so the key would be dropped
// after hours of loading). Each refusal is a DefinitionError: exit 2, nothing written.
import type { ResolvedConfig } from '../config';
import { DefinitionError } from '../errors';
import { describeTable, readNullCounts, type Snapshot, type SourceTable } from '../source';
import { checkTypesExist, tableExists } from '../target';
import type { SourceColumn } from '../types/model';
import type { Session } from '../session';

/** Every `column_types` value against the target PostgreSQL. */
export async function checkColumnTypes(session: Session): Promise<void> {
  await checkTypesExist(session.pool, columnTypesOf(session.config));
}

function columnTypesOf(config: ResolvedConfig) {
  return config.tables.flatMap((t, i) =>
    Object.entries(t.column_types).map(([column, type]) => ({ type: type.trim(), path: `tables[${i}].column_types.${column}`, table: t.name, column })),
  );
}

export interface KeyedTable {
  /** Position in the config's `tables`, for the error's path. */
  index: number;
  sourceTable: SourceTable;
  target: { schema: string; table: string };
  primaryKey: readonly string[];
  columns: readonly SourceColumn[];
}

/**
 * Refuses a primary key over columns that hold NULLs at the snapshot, for a table Thaw will create
 * (it adds the key after the load; an existing table keeps its own keys). Snowflake answers
 * COUNT(column) from its partition metadata, so this costs little even on a huge table.
 */
export async function checkKeyNulls(session: Session, table: KeyedTable, snapshot: Snapshot | undefined): Promise<void> {
  if (table.primaryKey.length === 0) return;
  if (await tableExists(session.pool, table.target.schema, table.target.table)) return;
  const nullable = table.primaryKey
    .map((name) => table.columns.find((c) => c.name === name))
    .filter((c): c is SourceColumn => c !== undefined && c.nullable);
  const counts = await readNullCounts(session.source, table.sourceTable, nullable, snapshot);
  const holding = [...counts].filter(([, n]) => n > 0);
  if (holding.length === 0) return;
  const which = holding.map(([name, n]) => `${name} holds ${n.toLocaleString('en-US')} NULL value(s)`).join(', ');
  throw new DefinitionError(
    `primary_key: ${which} in ${describeTable(table.sourceTable)}, and a PostgreSQL primary key cannot hold NULLs: take ${holding.map(([name]) => name).join(', ')} out of primary_key, or create ${table.target.schema}.${table.target.table} yourself before the load`,
    { table: describeTable(table.sourceTable), column: holding[0]![0], path: `tables[${table.index}].primary_key` },
  );
}
