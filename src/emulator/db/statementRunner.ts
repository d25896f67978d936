// Runs one Snowflake SQL text on DuckDB: translate, keep time-travel copies before changes,
// resolve AT(...) reads, then stream a SELECT's rows, rendered as wire strings, into a spool.
import { StatementType, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { SqlSyntaxError } from '../sql/lexer';
import { translate, type TranslatedStatement } from '../sql/translate';
import type { ResultSpool, WireRow } from '../results/resultSpool';
import type { EmulatorDatabase, PreparedQuery } from './database';
import { refreshTablesView } from './catalogViews';
import { fromDuckDbError, SnowflakeSqlError } from './sqlErrors';
import { nowMicros } from './timeTravel';
import { wireColumn, type RowType } from './wireTypes';

export type BindValue = string | null;

export interface StatementOutcome {
  rowType: RowType[];
  statementTypeId: number;
}

export interface RunControl {
  /** Called with a function that interrupts the running DuckDB statement. */
  onInterruptible?: (interrupt: () => void) => void;
}

/** Snowflake's statementTypeId values the driver looks at (SELECT vs DML vs DDL). */
const STATEMENT_TYPE_IDS = { query: 0x1000, modify: 0x3000, ddl: 0x6000, noop: 0x4000 } as const;

export async function runStatement(db: EmulatorDatabase, sqlText: string, binds: BindValue[][], spool: ResultSpool, control: RunControl = {}): Promise<StatementOutcome> {
  let statements: TranslatedStatement[];
  try {
    statements = translate(sqlText);
  } catch (err) {
    if (err instanceof SqlSyntaxError) throw new SnowflakeSqlError(`SQL compilation error: ${err.message}`, '001003', '42000');
    throw err;
  }
  return db.withConnection(async (conn) => {
    control.onInterruptible?.(() => conn.interrupt());
    let outcome: StatementOutcome = { rowType: [], statementTypeId: STATEMENT_TYPE_IDS.noop };
    for (const [index, statement] of statements.entries()) {
      const last = index === statements.length - 1;
      try {
        outcome = await runOne(db, conn, statement, binds, last ? spool : null);
      } catch (err) {
        throw fromDuckDbError(err);
      }
    }
    return outcome;
  });
}

async function runOne(db: EmulatorDatabase, conn: DuckDBConnection, statement: TranslatedStatement, binds: BindValue[][], spool: ResultSpool | null): Promise<StatementOutcome> {
  const typeId = STATEMENT_TYPE_IDS[statement.kind];
  if (statement.kind === 'noop') {
    await spool?.add([['Statement executed successfully.']]);
    return { rowType: [wireColumn('status', 'VARCHAR').rowType], statementTypeId: typeId };
  }
  if (statement.kind !== 'query') {
    const change = async () => {
      let count = 0n;
      for (const row of binds.length > 0 ? binds : [[]]) {
        const reader = await conn.runAndReadAll(statement.sql, row as DuckDBValue[]);
        const first = reader.getRows()[0]?.[0];
        if (typeof first === 'bigint' || typeof first === 'number') count += BigInt(first);
      }
      for (const o of statement.typeOverrides) {
        await conn.run(`DELETE FROM main._snowflake_types WHERE upper(table_name) = upper($1) AND upper(column_name) = upper($2)`, [o.table, o.column]);
        await conn.run(`INSERT INTO main._snowflake_types VALUES ($1, $2, $3)`, [o.table, o.column, o.type]);
      }
      return count;
    };
    const count = statement.modifies ? await db.timeTravel.modify(conn, statement.modifies, change) : await change();
    if (statement.kind === 'ddl' || statement.typeOverrides.length > 0) db.schemaChanged();
    if (statement.kind === 'modify') {
      const dml = dmlKind(statement.sql);
      await spool?.add([[count.toString()]]);
      return { rowType: [wireColumn(`number of rows ${dml.verb}`, 'BIGINT').rowType], statementTypeId: dml.typeId };
    }
    await spool?.add([['Statement executed successfully.']]);
    return { rowType: [wireColumn('status', 'VARCHAR').rowType], statementTypeId: typeId };
  }

  const sql = await resolveTimeTravel(db, conn, statement);
  const params = (binds[0] ?? []) as DuckDBValue[];
  // The TABLES view is rebuilt before each read of it, so such reads are never kept prepared.
  const kept = statement.readsTablesView ? undefined : db.preparedQuery(conn, sql);
  if (kept) return streamQuery(kept, params, spool, typeId);
  if (statement.readsTablesView) await refreshTablesView(conn);
  const prepared = await conn.prepare(sql);
  try {
    if (prepared.statementType !== StatementType.SELECT) {
      prepared.bind(params);
      const reader = await prepared.runAndReadAll();
      const names = reader.columnNames();
      await spool?.add(reader.getRowsJS().map((r) => r.map((v) => (v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)))));
      return { rowType: names.map((n) => wireColumn(n, 'VARCHAR').rowType), statementTypeId: typeId };
    }
  } finally {
    prepared.destroySync();
  }
  // Column types come from a LIMIT 0 run with the binds: a type that depends on a `?` (e.g.
  // FLOOR(n / ?)) is only known once the value is bound.
  const probe = await conn.runAndReadAll(`SELECT * FROM (${sql}) AS "__q" LIMIT 0`, params);
  const overrides = await db.typeOverrides(conn);
  const tables = conn.getTableNames(sql, false).map((t) => t.toUpperCase());
  const names = probe.columnNames();
  const columns = probe.columnTypes().map((type, i) => {
    const name = names[i]!;
    const override = tables.map((t) => overrides.get(`${t}.${name.toUpperCase()}`)).find((o) => o !== undefined);
    return wireColumn(name, type.alias === 'JSON' ? 'JSON' : type.toString(), override);
  });
  const aliases = columns.map((_, i) => `"__c${i}"`);
  const wrapped = await conn.prepare(
    `SELECT ${columns.map((c, i) => c.render(`"__q".${aliases[i]}`)).join(', ')} FROM (${sql}) AS "__q"(${aliases.join(', ')})`,
  );
  if (statement.readsTablesView) {
    try {
      return await streamQuery({ columns, statement: wrapped, generation: 0 }, params, spool, typeId);
    } finally {
      wrapped.destroySync();
    }
  }
  return streamQuery(db.keepPreparedQuery(conn, sql, columns, wrapped), params, spool, typeId);
}

async function streamQuery(query: PreparedQuery, params: DuckDBValue[], spool: ResultSpool | null, typeId: number): Promise<StatementOutcome> {
  query.statement.clearBindings();
  if (params.length > 0) query.statement.bind(params);
  const result = await query.statement.stream();
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    await spool?.add(chunk.getRows() as WireRow[]);
  }
  return { rowType: query.columns.map((c) => c.rowType), statementTypeId: typeId };
}

/** The driver derives getNumUpdatedRows() from these statementTypeIds. */
function dmlKind(sql: string): { verb: string; typeId: number } {
  switch (/^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase()) {
    case 'UPDATE':
      return { verb: 'updated', typeId: 0x3200 };
    case 'DELETE':
    case 'TRUNCATE':
      return { verb: 'deleted', typeId: 0x3300 };
    case 'MERGE':
      return { verb: 'merged', typeId: 0x3400 };
    default:
      return { verb: 'inserted', typeId: 0x3100 };
  }
}

/** Replaces each AT(...) placeholder with the table version current at that instant. */
export async function resolveTimeTravel(db: EmulatorDatabase, conn: DuckDBConnection, statement: TranslatedStatement): Promise<string> {
  let sql = statement.sql;
  for (const read of statement.timeTravel) {
    let instant: bigint;
    if (read.at.kind === 'OFFSET') {
      const reader = await conn.runAndReadAll(`SELECT CAST(round(CAST((${read.at.sql}) AS DOUBLE) * 1000000) AS BIGINT)`);
      instant = nowMicros() + BigInt(reader.getRows()[0]![0] as bigint);
    } else {
      // Every chunk query of a run names the same instant: evaluate each text once.
      instant = await db.timeTravel.instantOf(read.at.sql, async () => {
        const reader = await conn.runAndReadAll(`SELECT epoch_us(sf_to_tz(${read.at.sql}))`);
        return BigInt(reader.getRows()[0]![0] as bigint);
      });
    }
    sql = sql.replace(read.placeholder, db.timeTravel.resolve(read.table, instant));
  }
  return sql;
}
