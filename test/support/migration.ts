// A complete little world for engine tests: the emulator (the real snowflake-sdk talks to it), a
// fresh PostgreSQL database, a config.json in a temp folder, and helpers to run the CLI on it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmulator, type Emulator, type FaultSettings } from '../../src/emulator';
import { createTestDatabase, type TestDatabase } from './postgres';
import { runCli, startCli, type CliProcess, type CliResult } from './cli';
import { stageFilesIn } from './stageFiles';

export interface TableSpec {
  source_table: string;
  target_schema: string;
  target_table?: string;
  partition_column?: string;
  split_column: string;
  primary_key?: string[];
  truncate_onstart?: boolean;
  column_types?: Record<string, string>;
  on_nul_character?: 'error' | 'strip';
  insert_only_mode?: boolean;
  source_watermark?: string;
  target_watermark?: string;
  watermark_lookback_seconds?: number;
  on_schema_change?: 'fail' | 'add_columns';
  verify?: { columns?: string[] };
}

export interface Fixture {
  emulator: Emulator;
  db: TestDatabase;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Writes a config (overrides merged over the defaults) and returns its path. */
  writeConfig(tables: TableSpec[], overrides?: Record<string, unknown>, name?: string): Promise<string>;
  cli(args: string[]): Promise<CliResult>;
  startCli(args: string[], options?: { group?: boolean }): CliProcess;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  setFaults(faults: Partial<FaultSettings>): void;
  close(): Promise<void>;
}

export interface FixtureOptions {
  demoRows?: number;
  /** The emulator keeps every statement it receives (Emulator.receivedQueries). */
  recordQueries?: boolean;
  /** A database of a server the test started itself (default: a fresh one on the shared server). */
  db?: TestDatabase;
}

export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'thaw-test-'));
  const emulator = await startEmulator({
    port: 0,
    demoRows: options.demoRows,
    duckdbPath: join(dir, 'source.duckdb'),
    spoolDir: join(dir, 'spool'),
    recordQueries: options.recordQueries,
  });
  const db = options.db ?? (await createTestDatabase());
  const env = { THAW_TEST_SF_PASSWORD: 'secret-sf', THAW_TEST_PG_PASSWORD: db.password };
  const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, max: 3 });
  return {
    emulator,
    db,
    dir,
    env,
    async writeConfig(tables, overrides = {}, name = 'config.json') {
      const config = {
        source: {
          account: 'emu',
          username: 'LOADER',
          warehouse: 'WH',
          database: 'ANALYTICS',
          schema: 'PUBLIC',
          password: '${env:THAW_TEST_SF_PASSWORD}',
          access_url: emulator.url,
        },
        target: { host: db.host, port: db.port, database: db.database, user: db.user, password: '${env:THAW_TEST_PG_PASSWORD}', ssl: 'disable' },
        parallel_threads: 2,
        batch_size: 1000,
        retry_delay_seconds: 0.1,
        ...overrides,
        tables,
      };
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(config, null, 2));
      return path;
    },
    cli: (args) => runCli(args, env),
    startCli: (args, options) => startCli(args, env, options),
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    setFaults: (faults) => emulator.setFaults(faults),
    async close() {
      await pool.end();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file in the emulator's stages (unload path), as paths under its stage folder. */
export async function stageFiles(fx: Fixture): Promise<string[]> {
  return stageFilesIn(join(fx.dir, 'spool'));
}

