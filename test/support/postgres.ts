// One real PostgreSQL server per test run, started on first use. Each caller gets a fresh
// database of its own, so test files never see each other's tables.
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../src/demo/localPostgres';

export interface TestDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A connection string with the password inline: for tests only. */
  url: string;
}

let server: Promise<LocalPostgres> | undefined;
let databases = 0;

export async function createTestDatabase(): Promise<TestDatabase> {
  server ??= startLocalPostgres({
    password: 'thaw-test',
    flags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
  });
  const local = await server;
  const database = `thaw_test_${process.pid}_${++databases}`;
  await local.createDatabase(database);
  return {
    host: local.host,
    port: local.port,
    user: local.user,
    password: local.password,
    database,
    url: `postgres://${local.user}:${local.password}@${local.host}:${local.port}/${database}`,
  };
}

export async function withClient<T>(db: TestDatabase, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function stopTestPostgres(): Promise<void> {
  if (!server) return;
  const local = await server;
  server = undefined;
  await local.stop();
}
