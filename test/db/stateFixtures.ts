// Test-data builders for the status tables: a fresh database with the status schema applied, and
// runs of small made-up tables with as many chunks as a test needs.
import pg from 'pg';
import { applyStatusSchema, createRun, startRun, type NewRun, type NewRunTable, type RunRecord } from '../../src/engine/state';
import type { ChunkRange, ColumnMapping, SourceColumn } from '../../src/engine/types/model';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

export function column(name: string, type: SourceColumn['type'], ordinal: number, nullable = true): SourceColumn {
  return { name, type, precision: type === 'NUMBER' ? 38 : null, scale: type === 'NUMBER' ? 0 : null, nullable, ordinal };
}

export function mapping(source: SourceColumn, targetType: string): ColumnMapping {
  return { source, targetName: source.name.toLowerCase(), targetType, reason: 'test', warnings: [] };
}

/** ID NUMBER NOT NULL → bigint, NAME TEXT → text. */
export const TWO_COLUMNS: ColumnMapping[] = [mapping(column('ID', 'NUMBER', 1, false), 'bigint'), mapping(column('NAME', 'TEXT', 2), 'text')];

/** `count` chunks over ID ranges of `rowsPerChunk` rows each. */
export function chunks(count: number, rowsPerChunk = 10): ChunkRange[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionIsNull: false,
    partitionValue: '2025-12-14',
    splitIsNull: false,
    splitLow: i === 0 ? null : String(i * rowsPerChunk + 1),
    splitHigh: i === count - 1 ? null : String((i + 1) * rowsPerChunk + 1),
    rows: rowsPerChunk,
  }));
}

export function table(name: string, chunkCount: number, overrides: Partial<NewRunTable> = {}): NewRunTable {
  return {
    sourceTable: name.toUpperCase(),
    targetSchema: 'analytics_dev2',
    targetTable: name.toLowerCase(),
    partitionColumn: 'VISIT_DATE',
    splitColumn: 'ID',
    primaryKey: ['ID'],
    columnMappings: TWO_COLUMNS,
    createdTable: true,
    chunks: chunks(chunkCount),
    ...overrides,
  };
}

export function newRun(tables: NewRunTable[], overrides: Partial<NewRun> = {}): NewRun {
  return { configHash: 'hash-a', configPath: '/tmp/config.json', snapshotAt: null, parallelThreads: 4, batchSize: 10, tables, ...overrides };
}

export interface StatusDb {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A fresh database with the status schema in `schema`. */
export async function statusDatabase(schema = 'migration_status'): Promise<StatusDb> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, max: 12 });
  const client = await pool.connect();
  try {
    await applyStatusSchema(client, schema);
  } finally {
    client.release();
  }
  return { db, pool, close: () => pool.end() };
}

/** Creates and starts a run. */
export async function startedRun(pool: pg.Pool, schema: string, run: NewRun): Promise<RunRecord> {
  const client = await pool.connect();
  try {
    const created = await createRun(client, schema, run);
    return await startRun(client, schema, created.runId);
  } finally {
    client.release();
  }
}
