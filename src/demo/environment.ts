// The demo's and the benchmark's world: an embedded PostgreSQL, the Snowflake-protocol emulator
// seeded with a generated fact table shaped like the seed's FACTVISITCALLPERFORMANCE_CR, and a
// config.json pointing Thaw at both. Secrets reach the worker through its environment only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnloadCompression } from '../engine/config/schema';
import { startEmulator, type DemoOrder, type Emulator } from '../emulator';
import { startLocalPostgres, type LocalPostgres } from './localPostgres';

export const DEMO_TABLE = 'FACTVISITCALLPERFORMANCE_CR';

export interface DemoEnvironment {
  dir: string;
  configPath: string;
  emulator: Emulator;
  postgres: LocalPostgres;
  database: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  rows: number;
  threads: number;
  batchSize: number;
  maxWorkerMemoryMb?: number;
  /** extract_mode of the config (default: the config's own default, auto). */
  extractMode?: 'auto' | 'unload' | 'query';
  /** unload_compression of the config (default: the config's own default, gzip). */
  unloadCompression?: UnloadCompression;
  /** npm run bench: the emulator answers a repeated unload from its earlier file (files already staged). */
  reuseUnloads?: boolean;
  /** How the source rows lie in storage (the demo's day chunks want `visit_date`; the bench's VISIT_ID chunks, `generated`). */
  demoOrder?: DemoOrder;
}

export async function startDemoEnvironment(options: DemoOptions, say: (line: string) => void): Promise<DemoEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), 'thaw-demo-'));
  say(`starting embedded PostgreSQL ...`);
  const pgPassword = 'thaw-demo';
  const postgres = await startLocalPostgres({ password: pgPassword, flags: ['-c', 'max_connections=200'] });
  const database = 'warehouse';
  await postgres.createDatabase(database);
  say(`starting the Snowflake-protocol emulator with ${options.rows.toLocaleString('en-US')} generated rows ...`);
  const emulator = await startEmulator({ port: 0, duckdbPath: join(dir, 'source.duckdb'), demoRows: options.rows, demoOrder: options.demoOrder, spoolDir: join(dir, 'spool'), reuseUnloads: options.reuseUnloads ?? false });

  process.env.THAW_DEMO_SNOWFLAKE_PASSWORD = 'demo';
  process.env.THAW_DEMO_PG_PASSWORD = pgPassword;
  const config = {
    // The bundle is dist/demo.cjs; the schema ships beside dist/.
    $schema: join(__dirname, '..', 'schema', 'thaw-config.schema.json'),
    source: {
      account: 'demo',
      username: 'LOADER',
      warehouse: 'MIGRATION_WH',
      database: 'ANALYTICS',
      schema: 'PUBLIC',
      password: '${env:THAW_DEMO_SNOWFLAKE_PASSWORD}',
      access_url: emulator.url,
    },
    target: {
      host: postgres.host,
      port: postgres.port,
      database,
      user: postgres.user,
      password: '${env:THAW_DEMO_PG_PASSWORD}',
      ssl: 'disable',
    },
    parallel_threads: options.threads,
    batch_size: options.batchSize,
    ...(options.maxWorkerMemoryMb ? { max_worker_memory_mb: options.maxWorkerMemoryMb } : {}),
    ...(options.extractMode ? { extract_mode: options.extractMode } : {}),
    ...(options.unloadCompression ? { unload_compression: options.unloadCompression } : {}),
    tables: [
      {
        source_table: DEMO_TABLE,
        target_schema: 'analytics_demo',
        target_table: DEMO_TABLE.toLowerCase(),
        partition_column: 'VISIT_DATE',
        split_column: 'VISIT_ID',
        truncate_onstart: true,
      },
    ],
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return {
    dir,
    configPath,
    emulator,
    postgres,
    database,
    async close() {
      await emulator.close();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
