// The DuckDB side of the emulator: one instance, a pool of connections each carrying the
// Snowflake macros and catalog views, the time-travel store, the clock and tables' retention.
import { DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { CATALOG_VIEWS, OVERRIDES_TABLE } from './catalogViews';
import { CLOCK_VARIABLE, EmulatorClock } from './clock';
import { MACROS } from './macros';
import { RetentionSettings } from './retention';
import { registerJsonFunctions } from './sortedJson';
import { TimeTravelStore } from './timeTravel';
import type { WireColumn } from './wireTypes';

/** A SELECT ready to run again with new binds: its wire columns and its prepared, wrapped form. */
export interface PreparedQuery {
  columns: WireColumn[];
  statement: DuckDBPreparedStatement;
  generation: number;
}

/** Prepared queries kept per connection; the oldest goes when there are more. */
const PREPARED_PER_CONNECTION = 32;

export class EmulatorDatabase {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all = new Set<DuckDBConnection>();
  // Chunk queries repeat one SQL text with new binds; planning their wide render expressions
  // costs DuckDB far more than running them, so each connection keeps them prepared. A change of
  // tables or types (DDL) bumps the generation, which retires every prepared query.
  private readonly prepared = new WeakMap<DuckDBConnection, Map<string, PreparedQuery>>();
  private generation = 0;
  private closed = false;
  /** The clock offset each pooled connection's CLOCK_VARIABLE holds. */
  private readonly clockSet = new WeakMap<DuckDBConnection, bigint>();
  readonly retention = new RetentionSettings();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly timeTravel: TimeTravelStore,
    readonly clock: EmulatorClock,
  ) {}

  static async open(path: string): Promise<EmulatorDatabase> {
    // One DuckDB thread per query: the emulator serves many chunk queries at once, and DuckDB's own
    // parallelism on top of that spent more CPU on its task queue's locks than it saved (the demo
    // on 2 cores: 64 s with DuckDB's default of a thread per core, 48 s with one).
    const instance = await DuckDBInstance.create(path, { threads: '1' });
    const setup = await instance.connect();
    try {
      await setup.run(`CREATE TABLE IF NOT EXISTS main.${OVERRIDES_TABLE} (table_name VARCHAR, column_name VARCHAR, snowflake_type VARCHAR)`);
      const clock = new EmulatorClock();
      const store = await TimeTravelStore.create(setup, clock);
      return new EmulatorDatabase(instance, store, clock);
    } finally {
      setup.closeSync();
    }
  }

  /** Runs `fn` on a pooled connection (one statement at a time per connection). */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the emulator database is closed');
    const conn = this.idle.pop() ?? (await this.connect());
    try {
      const offset = this.clock.offsetMicros();
      if (this.clockSet.get(conn) !== offset) {
        await conn.run(`SET VARIABLE ${CLOCK_VARIABLE} = ${offset}`);
        this.clockSet.set(conn, offset);
      }
      return await fn(conn);
    } finally {
      if (this.closed) conn.closeSync();
      else this.idle.push(conn);
    }
  }

  /** Direct DuckDB SQL (test setup); rows as plain JS values. */
  async sql(text: string): Promise<Record<string, unknown>[]> {
    this.schemaChanged();
    return this.withConnection(async (conn) => (await conn.runAndReadAll(text)).getRowObjectsJS());
  }

  /** Moves the emulator's clock; queries prepared under the old offset are retired with it. */
  advanceClock(seconds: number): void {
    this.clock.advance(seconds);
    this.schemaChanged();
  }

  schemaChanged(): void {
    this.generation++;
  }

  /** The query prepared on this connection for this SQL text, unless the schema changed since. */
  preparedQuery(conn: DuckDBConnection, sql: string): PreparedQuery | undefined {
    const cache = this.prepared.get(conn);
    const entry = cache?.get(sql);
    if (!entry || entry.generation === this.generation) return entry;
    entry.statement.destroySync();
    cache!.delete(sql);
    return undefined;
  }

  keepPreparedQuery(conn: DuckDBConnection, sql: string, columns: WireColumn[], statement: DuckDBPreparedStatement): PreparedQuery {
    let cache = this.prepared.get(conn);
    if (!cache) this.prepared.set(conn, (cache = new Map()));
    if (cache.size >= PREPARED_PER_CONNECTION) {
      const [oldest, entry] = cache.entries().next().value!;
      entry.statement.destroySync();
      cache.delete(oldest);
    }
    const entry = { columns, statement, generation: this.generation };
    cache.set(sql, entry);
    return entry;
  }

  /** Snowflake types of columns that DuckDB cannot hold natively, keyed by TABLE.COLUMN upper case. */
  async typeOverrides(conn: DuckDBConnection): Promise<Map<string, string>> {
    const reader = await conn.runAndReadAll(`SELECT upper(table_name), upper(column_name), snowflake_type FROM main.${OVERRIDES_TABLE}`);
    return new Map(reader.getRows().map(([t, c, type]) => [`${String(t)}.${String(c)}`, String(type)]));
  }

  close(): void {
    this.closed = true;
    for (const conn of this.all) conn.closeSync();
    this.all.clear();
    this.idle.length = 0;
    this.instance.closeSync();
  }

  private async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    registerJsonFunctions(conn);
    for (const sql of [...MACROS, ...CATALOG_VIEWS]) await conn.run(sql);
    this.all.add(conn);
    return conn;
  }
}
