// The statements that keep a run's snapshot readable (snowflake-unload.md, "Time Travel"): a
// table's Time Travel retention, and the zero-copy clone that outlives it. Pure, like sql.ts.
import { quoteIdent } from '../types/render';
import { tableReference, type Snapshot, type SourceTable, type Statement } from './sql';

const tableName = (table: SourceTable) => [table.database, table.schema, table.table].map(quoteIdent).join('.');

/** 11. The table's DATA_RETENTION_TIME_IN_DAYS: how far back AT(...) can read it. */
export function tableRetentionStatement(table: SourceTable): Statement {
  return {
    sql: `SELECT "RETENTION_TIME" FROM ${quoteIdent(table.database)}."INFORMATION_SCHEMA"."TABLES" WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ?`,
    binds: [table.schema, table.table],
  };
}

/** 12. A zero-copy clone of `source` as of the snapshot: readable however long the run lasts. */
export function createCloneStatement(clone: SourceTable, source: SourceTable, snapshot: Snapshot): Statement {
  return { sql: `CREATE TABLE ${tableName(clone)} CLONE ${tableReference(source, snapshot)}`, binds: [] };
}

/** 13. The clone dropped once its run completes or is abandoned. */
export function dropCloneStatement(clone: SourceTable): Statement {
  return { sql: `DROP TABLE IF EXISTS ${tableName(clone)}`, binds: [] };
}
