// Snowflake Time Travel over DuckDB, copy-on-write: before a statement changes table T, the
// current T is copied into schema __thaw_tt and stamped with the instant of the change. The state
// of T at instant t is then the earliest copy stamped after t, or T itself when none is.
// Copies live as long as the emulator process (they are dropped at start and at close).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableName } from '../sql/translate';
import { VERSIONS_SCHEMA } from './catalogViews';
import type { EmulatorClock } from './clock';

interface Version {
  /** Microseconds since the epoch: the instant this state stopped being current. */
  validUntilUs: bigint;
  name: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export class TimeTravelStore {
  private readonly versions = new Map<string, Version[]>();
  private sequence = 0;
  private locks = new Map<string, Promise<unknown>>();
  private readonly instants = new Map<string, bigint>();

  private constructor(private readonly clock: EmulatorClock) {}

  static async create(conn: DuckDBConnection, clock: EmulatorClock): Promise<TimeTravelStore> {
    await conn.run(`DROP SCHEMA IF EXISTS ${VERSIONS_SCHEMA} CASCADE`);
    await conn.run(`CREATE SCHEMA ${VERSIONS_SCHEMA}`);
    return new TimeTravelStore(clock);
  }

  private key(table: TableName): string {
    return `${table.schema.toLowerCase()}.${table.table.toLowerCase()}`;
  }

  /**
   * Runs `change` (a statement modifying `table`) after keeping the table's current state.
   * Changes to one table are serialized so each copy is exactly the state the change replaced.
   */
  async modify<T>(conn: DuckDBConnection, table: TableName, change: () => Promise<T>): Promise<T> {
    const key = this.key(table);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      const exists = await conn.runAndReadAll(
        `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND lower(schema_name) = lower($1) AND lower(table_name) = lower($2)`,
        [table.schema, table.table],
      );
      if (exists.currentRowCount > 0) {
        const name = `v${++this.sequence}`;
        await conn.run(`CREATE TABLE ${VERSIONS_SCHEMA}.${name} AS SELECT * FROM ${quote(table.schema)}.${quote(table.table)}`);
        const list = this.versions.get(key) ?? [];
        list.push({ validUntilUs: this.clock.nowMicros(), name });
        this.versions.set(key, list);
      }
      return change();
    });
    this.locks.set(key, run);
    return run;
  }

  /** The instant an AT(TIMESTAMP => text) names, computed once per text (it cannot change). */
  async instantOf(text: string, compute: () => Promise<bigint>): Promise<bigint> {
    let instant = this.instants.get(text);
    if (instant === undefined) {
      instant = await compute();
      if (this.instants.size >= 1000) this.instants.clear();
      this.instants.set(text, instant);
    }
    return instant;
  }

  /** The SQL table reference holding `table` as it was at `instantUs`. */
  resolve(table: TableName, instantUs: bigint): string {
    const version = (this.versions.get(this.key(table)) ?? []).find((v) => v.validUntilUs > instantUs);
    return version ? `${VERSIONS_SCHEMA}.${version.name}` : `${quote(table.schema)}.${quote(table.table)}`;
  }

  versionCount(): number {
    let n = 0;
    for (const list of this.versions.values()) n += list.length;
    return n;
  }
}
