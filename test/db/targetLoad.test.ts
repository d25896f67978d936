import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { claimChunk, failChunk, getChunk, getRunTables, reclaimDeadWorkers, type ChunkRecord } from '../../src/engine/state';
import { createTargetTable, loadChunk, type LoadChunkOptions } from '../../src/engine/target';
import { ChunkLeaseLostError, DataError, TargetError } from '../../src/engine/errors';
import { newRun, startedRun, statusDatabase, table, TWO_COLUMNS, type StatusDb } from './stateFixtures';

const S = 'migration_status';
const TARGET = { schema: 'analytics_dev2', table: 'visits', columns: ['id', 'name'] };

function lines(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${from + i}\tvisit ${from + i} caf\u00e9\n`);
}

/** Yields `good` lines, then fails as a broken Snowflake stream would. */
async function* failingAfter(good: string[]): AsyncGenerator<string> {
  yield* good;
  throw new Error('result stream reset by peer');
}

async function rowCount(pool: pg.Pool): Promise<number> {
  return Number((await pool.query('SELECT count(*) AS n FROM analytics_dev2.visits')).rows[0].n);
}

describe('loadChunk', () => {
  let s: StatusDb;
  before(async () => {
    s = await statusDatabase();
    await createTargetTable(s.pool, TARGET.schema, TARGET.table, TWO_COLUMNS);
  });
  after(async () => s.close());
  beforeEach(async () => {
    await s.pool.query('TRUNCATE analytics_dev2.visits');
  });

  async function claimOne(rows: number): Promise<ChunkRecord> {
    const run = await startedRun(s.pool, S, newRun([table('VISITS', 1, { chunks: [{ partitionIsNull: true, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows }] })]));
    return (await claimChunk(s.pool, S, run.runId, 'w1'))!;
  }

  function options(chunk: ChunkRecord, source: Readable, overrides: Partial<LoadChunkOptions> = {}): LoadChunkOptions {
    return { schema: S, runId: chunk.runId, chunkId: chunk.chunkId, attempt: chunk.attempts, workerId: chunk.workerId!, target: TARGET, rowsExpected: chunk.rows, source, ...overrides };
  }

  it('loads the rows and completes the chunk in one transaction', async () => {
    const chunk = await claimOne(3000);
    const source = Readable.from(lines(1, 3000).map((l, i) => (i % 2 ? Buffer.from(l) : l)));
    const result = await loadChunk(s.pool, options(chunk, source));
    assert.equal(result.rows, 3000);
    assert.equal(result.bytes, lines(1, 3000).reduce((n, l) => n + Buffer.byteLength(l), 0));
    assert.equal(result.tableStatus, 'completed');
    assert.equal(await rowCount(s.pool), 3000);
    const name = (await s.pool.query('SELECT name FROM analytics_dev2.visits WHERE id = 2999')).rows[0].name;
    assert.equal(name, 'visit 2999 caf\u00e9');
    const done = (await getChunk(s.pool, S, chunk.runId, chunk.chunkId))!;
    assert.deepEqual([done.status, done.rowsLoaded, done.bytesLoaded], ['completed', 3000, result.bytes]);
    const [t] = await getRunTables(s.pool, S, chunk.runId);
    assert.deepEqual([t!.status, t!.rowsLoaded], ['completed', 3000]);
  });

  it('leaves no rows and the chunk in progress when the source fails mid-COPY', async () => {
    const chunk = await claimOne(20_000);
    await assert.rejects(loadChunk(s.pool, options(chunk, Readable.from(failingAfter(lines(1, 10_000))))), /result stream reset by peer/);
    assert.equal(await rowCount(s.pool), 0);
    assert.equal((await getChunk(s.pool, S, chunk.runId, chunk.chunkId))!.status, 'in_progress');
    assert.equal((await s.pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'`)).rows[0].n, '0');
  });

  it('rolls back a chunk whose row count differs from the plan', async () => {
    const chunk = await claimOne(100);
    const err = await loadChunk(s.pool, options(chunk, Readable.from(lines(1, 99)))).catch((e: unknown) => e);
    assert.ok(err instanceof DataError);
    assert.match(err.message, /chunk \d+ of "analytics_dev2"."visits" had 99 rows, the plan counted 100/);
    assert.deepEqual([err.context.chunkId, err.context.table], [chunk.chunkId, 'analytics_dev2.visits']);
    assert.equal(await rowCount(s.pool), 0);
  });

  it('rolls back the rows when the chunk was taken back while it loaded', async () => {
    const chunk = await claimOne(2000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sent = 0;
    async function* slow() {
      for (const line of lines(1, 2000)) {
        if (++sent === 1000) await gate;
        yield line;
      }
    }
    const loading = loadChunk(s.pool, options(chunk, Readable.from(slow())));
    // Meanwhile the worker is declared dead and another one claims the chunk.
    await new Promise((r) => setTimeout(r, 50));
    await s.pool.query(`UPDATE ${S}.migration_chunk_status SET heartbeat_at = now() - interval '1 hour' WHERE run_id = $1`, [chunk.runId]);
    const reclaimed = await reclaimDeadWorkers(s.pool, S, { runId: chunk.runId, heartbeatTimeoutMs: 60_000, host: 'h', isPidAlive: () => true, maxAttempts: 5 });
    assert.equal(reclaimed.requeued, 1);
    const second = (await claimChunk(s.pool, S, chunk.runId, 'w2'))!;
    release();
    await assert.rejects(loading, ChunkLeaseLostError);
    assert.equal(await rowCount(s.pool), 0, 'the old worker left nothing behind');
    const result = await loadChunk(s.pool, options(second, Readable.from(lines(1, 2000))));
    assert.equal(result.rows, 2000);
    assert.equal(await rowCount(s.pool), 2000);
  });

  it('loads exactly once when a failed attempt is retried', async () => {
    const chunk = await claimOne(5000);
    const err = await loadChunk(s.pool, options(chunk, Readable.from(failingAfter(lines(1, 4000))))).catch((e: unknown) => e);
    const outcome = await failChunk(s.pool, S, { runId: chunk.runId, chunkId: chunk.chunkId, workerId: 'w1', attempt: 1 }, { message: String(err), code: null, retryable: true }, { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 });
    assert.equal(outcome?.status, 'pending');
    const retry = (await claimChunk(s.pool, S, chunk.runId, 'w2'))!;
    assert.deepEqual([retry.chunkId, retry.attempts], [chunk.chunkId, 2]);
    await loadChunk(s.pool, options(retry, Readable.from(lines(1, 5000))));
    assert.equal(await rowCount(s.pool), 5000);
    assert.equal(Number((await s.pool.query('SELECT count(DISTINCT id) AS n FROM analytics_dev2.visits')).rows[0].n), 5000);
  });

  it('names table, chunk, column and COPY line of a value PostgreSQL rejects', async () => {
    const chunk = await claimOne(4);
    const source = Readable.from(['1\ta\n', '2\tb\n', 'x3\tc\n', '4\td\n']);
    const err = await loadChunk(s.pool, options(chunk, source)).catch((e: unknown) => e);
    assert.ok(err instanceof DataError, String(err));
    assert.equal(err.retryable, false);
    assert.deepEqual(
      { code: err.context.code, column: err.context.column, line: err.context.line, chunkId: err.context.chunkId, table: err.context.table },
      { code: '22P02', column: 'id', line: 3, chunkId: chunk.chunkId, table: 'analytics_dev2.visits' },
    );
    assert.match(err.describe(), /invalid input syntax for type bigint: "x3"/);
    const nulls = await claimOne(1);
    const notNull = await loadChunk(s.pool, options(nulls, Readable.from(['\\N\tnobody\n']))).catch((e: unknown) => e);
    assert.ok(notNull instanceof DataError);
    assert.deepEqual([notNull.context.code, notNull.context.column], ['23502', 'id']);
  });

  it('stops at once, with nothing loaded, when its signal is aborted', async () => {
    const chunk = await claimOne(100_000);
    const controller = new AbortController();
    async function* endless() {
      for (let i = 1; ; i++) {
        if (i === 20_000) controller.abort();
        yield `${i}\tx\n`;
      }
    }
    const err = await loadChunk(s.pool, options(chunk, Readable.from(endless()), { signal: controller.signal })).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    assert.equal(await rowCount(s.pool), 0);
  });

  it('reports a missing target table as a terminal TargetError', async () => {
    const chunk = await claimOne(1);
    const err = await loadChunk(s.pool, options(chunk, Readable.from(['1\ta\n']), { target: { ...TARGET, table: 'nope' } })).catch((e: unknown) => e);
    assert.ok(err instanceof TargetError, String(err));
    assert.deepEqual([err.retryable, err.context.code], [false, '42P01']);
  });
});
