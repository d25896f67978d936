// A local HTTP server speaking Snowflake's wire protocol to snowflake-sdk, backed by DuckDB.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorDatabase } from './db/database';
import { seedDemoTable, type DemoOrder } from './demoData';
import { FaultInjector, type FaultCounters, type FaultSettings } from './faults';
import { createEmulatorServer } from './server/http';
import { Privileges, type RevokedSelect } from './server/privileges';
import { ReceivedQueries, type ReceivedQuery } from './server/receivedQueries';
import { QueryRegistry } from './server/queryRegistry';
import { SessionStore } from './server/sessions';
import { StageStore } from './stage/stageStore';
import { UnloadCache } from './stage/unloadCache';

export type { FaultCounters, FaultSettings, FailureKind, QueryFailureRule } from './faults';
export { seedDemoTable, DEMO_TABLE, type DemoOrder } from './demoData';
export type { RevokedSelect } from './server/privileges';
export type { ReceivedQuery } from './server/receivedQueries';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** DuckDB database file; default in-memory. */
  duckdbPath?: string;
  /** Seed PUBLIC.FACTVISITCALLPERFORMANCE_CR with this many rows (replacing it). */
  demoRows?: number;
  /** How the demo rows lie in storage (demoData.ts); default `generated`. */
  demoOrder?: DemoOrder;
  faults?: Partial<FaultSettings>;
  /** Where result chunk files are spooled; default a fresh temp directory (removed on close). */
  spoolDir?: string;
  /** Uncompressed bytes per result chunk, all alike (tests); default: chunks grow as Snowflake's do, up to CLIENT_RESULT_CHUNK_SIZE. */
  chunkBytes?: number;
  /** Uncompressed bytes of rows answered inline (default 128 KiB). */
  inlineBytes?: number;
  /** How long a query request waits before answering "in progress" (default 30 s). */
  resultWaitMs?: number;
  /**
   * Benchmarks only: answer an unload identical to an earlier one (same SELECT and binds, any
   * snapshot) from the file written then, as if the warehouse had staged it already (unloadCache.ts).
   */
  reuseUnloads?: boolean;
  /** Finished results unused for this long are dropped with their chunk files (default 1 h). */
  resultTtlMs?: number;
  /** Keep every statement received, with its binds, for `receivedQueries()` (tests). */
  recordQueries?: boolean;
}

export interface Emulator {
  url: string;
  port: number;
  setFaults(partial: Partial<FaultSettings>): void;
  faults(): { settings: FaultSettings; counters: FaultCounters };
  /** Moves the emulator's clock (CURRENT_TIMESTAMP, Time Travel, retention) forward by `seconds`. */
  advanceClock(seconds: number): void;
  /** Expires every session token handed out so far, as an hour does on Snowflake (390112 until renewed). */
  expireSessionTokens(): void;
  /** Withholds SELECT on tables from roles (replacing earlier settings): Snowflake's 003001. */
  revokeSelect(revoked: readonly RevokedSelect[]): void;
  /** The statements received so far (empty unless started with recordQueries). */
  receivedQueries(): ReceivedQuery[];
  /** DuckDB SQL run directly (test setup), rows as plain JS values. */
  sql(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const db = await EmulatorDatabase.open(options.duckdbPath ?? ':memory:');
  const ownSpool = options.spoolDir === undefined;
  const spoolDir = options.spoolDir ?? (await mkdtemp(join(tmpdir(), 'thaw-emulator-')));
  try {
    if (options.demoRows !== undefined) await db.withConnection((conn) => seedDemoTable(conn, options.demoRows!, options.demoOrder));
  } catch (err) {
    db.close();
    throw err;
  }
  const faults = new FaultInjector(options.faults);
  const privileges = new Privileges();
  const received = new ReceivedQueries(options.recordQueries ?? false);
  let url = '';
  const stages = new StageStore(join(spoolDir, 'stages'));
  const queries = new QueryRegistry(db, spoolDir, { ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}), inlineBytes: options.inlineBytes ?? 128 << 10 }, {
    stages,
    faults,
    baseUrl: () => url,
    ...(options.reuseUnloads ? { unloadCache: new UnloadCache(join(spoolDir, 'unload-cache')) } : {}),
  });
  const clock = { advance: (seconds: number) => db.advanceClock(seconds), offsetSeconds: () => db.clock.offsetSeconds() };
  const sessions = new SessionStore();
  const server = createEmulatorServer({ sessions, queries, faults, stages, clock, privileges, received, resultWaitMs: options.resultWaitMs ?? 30_000, baseUrl: () => url });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  const ttl = options.resultTtlMs ?? 3_600_000;
  const sweeper = setInterval(() => void queries.expire(ttl), Math.min(ttl, 60_000));
  sweeper.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    setFaults: (partial) => faults.set(partial),
    faults: () => faults.snapshot(),
    advanceClock: clock.advance,
    expireSessionTokens: () => sessions.expireSessionTokens(),
    revokeSelect: (revoked) => privileges.set(revoked),
    receivedQueries: () => received.list(),
    sql: (text) => db.sql(text),
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await queries.disposeAll();
        await stages.dispose();
        db.close();
        if (ownSpool) await rm(spoolDir, { recursive: true, force: true });
      })()),
  };
}
