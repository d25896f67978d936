// The table-status rule of sql/migrations/000002, through every operation that moves a chunk or a
// run: after each, the table's state and counters equal what its chunks say, recounted here.
import assert from 'node:assert/strict';
import type pg from 'pg';
import {
  abandonRun,
  claimChunk,
  completeChunk,
  failChunk,
  finishRun,
  getRun,
  getRunProgress,
  getRunTables,
  inTransaction,
  reclaimDeadWorkers,
  registerWorker,
  requestStop,
  retryChunks,
  startRun,
  type ChunkRecord,
  type TableRecord,
} from '../../src/engine/state';
import { newRun, startedRun, statusDatabase, table, type StatusDb } from './stateFixtures';

const S = 'migration_status';
const TERMINAL = { message: 'invalid input syntax for type bigint: "x"', code: '22P02', retryable: false };
const TRANSIENT = { message: 'connection reset', code: '08006', retryable: true };
const NO_BACKOFF = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 };
const SEED_DASHBOARD = `SELECT target_schema, source_table, ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' as progress FROM migration_status.migration_table_status WHERE status = 'in_progress';`;

const claimOf = (c: ChunkRecord) => ({ runId: c.runId, chunkId: c.chunkId, workerId: c.workerId!, attempt: c.attempts });

describe('table status transitions (sql/migrations/000002)', () => {
  let s: StatusDb;
  before(async () => {
    s = await statusDatabase();
  });
  after(async () => s.close());

  async function complete(chunk: ChunkRecord, nulStrippedRows = 0) {
    const client = await s.pool.connect();
    try {
      return await inTransaction(client, () => completeChunk(client, S, claimOf(chunk), { rows: chunk.rows, bytes: chunk.rows * 10, nulStrippedRows }));
    } finally {
      client.release();
    }
  }

  async function close(runId: string) {
    const client = await s.pool.connect();
    try {
      return await finishRun(client, S, runId);
    } finally {
      client.release();
    }
  }

  /** The table row, after checking its counters against a recount of its chunks. */
  async function tableOf(runId: string, ordinal = 1): Promise<TableRecord> {
    const { rows } = await s.pool.query<{ completed: string; failed: string; rows: string; bytes: string; nuls: string }>(
      `SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'failed') AS failed,
              coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS rows,
              coalesce(sum(bytes_loaded) FILTER (WHERE status = 'completed'), 0) AS bytes,
              coalesce(sum(nul_stripped_rows) FILTER (WHERE status = 'completed'), 0) AS nuls
       FROM ${S}.migration_chunk_status WHERE run_id = $1 AND table_ordinal = $2`,
      [runId, ordinal],
    );
    const t = (await getRunTables(s.pool, S, runId)).find((x) => x.tableOrdinal === ordinal)!;
    const c = rows[0]!;
    assert.deepEqual(
      [t.completedChunks, t.failedChunks, t.rowsLoaded, t.bytesLoaded, t.nulStrippedRows],
      [Number(c.completed), Number(c.failed), Number(c.rows), Number(c.bytes), Number(c.nuls)],
      'the counters equal a recount of the chunks',
    );
    return t;
  }

  it('claim, complete: pending → in_progress → completed, with rows, bytes and stripped NULs counted', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_COMPLETE', 2)], { configHash: 'complete' }));
    assert.equal((await tableOf(run.runId)).status, 'pending');
    const first = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    const claimed = await tableOf(run.runId);
    assert.equal(claimed.status, 'in_progress');
    assert.ok(claimed.startedAt, 'the first claim starts the table');
    assert.deepEqual(await complete(first, 3), { tableOrdinal: 1, tableStatus: 'in_progress' });
    const second = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    assert.deepEqual(await complete(second), { tableOrdinal: 1, tableStatus: 'completed' });
    const done = await tableOf(run.runId);
    assert.deepEqual([done.status, done.rowsLoaded, done.nulStrippedRows], ['completed', 20, 3]);
    assert.ok(done.completedAt);
    assert.equal((await getRunProgress(s.pool, S, run.runId, 30)).nulStrippedRows, 3);
  });

  it('fail retryable keeps the table going; fail terminal counts it, and fails the table once nothing else is left', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_FAIL', 2)], { configHash: 'fail' }));
    const a = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    assert.equal((await failChunk(s.pool, S, claimOf(a), TRANSIENT, NO_BACKOFF))?.status, 'pending');
    let t = await tableOf(run.runId);
    assert.deepEqual([t.status, t.failedChunks, t.error], ['in_progress', 0, null]);

    const again = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    assert.equal(again.chunkId, a.chunkId);
    assert.equal((await failChunk(s.pool, S, claimOf(again), TERMINAL, NO_BACKOFF))?.status, 'failed');
    t = await tableOf(run.runId);
    assert.deepEqual([t.status, t.failedChunks, t.error], ['in_progress', 1, TERMINAL.message], 'one chunk is still to load');

    await complete((await claimChunk(s.pool, S, run.runId, 'w'))!);
    t = await tableOf(run.runId);
    assert.deepEqual([t.status, t.completedChunks, t.failedChunks], ['failed', 1, 1]);
  });

  it('reclaim: a dead worker’s chunk goes back to pending, or fails on its last attempt and is counted', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_RECLAIM', 2)], { configHash: 'reclaim' }));
    await registerWorker(s.pool, S, { workerId: 'gone', runId: run.runId, host: 'h', pid: 1, threads: 2 });
    const a = (await claimChunk(s.pool, S, run.runId, 'gone'))!;
    const b = (await claimChunk(s.pool, S, run.runId, 'gone'))!;
    await s.pool.query(`UPDATE ${S}.migration_chunk_status SET attempts = 3 WHERE run_id = $1 AND chunk_id = $2`, [run.runId, b.chunkId]);
    const reclaimed = await reclaimDeadWorkers(s.pool, S, { runId: run.runId, heartbeatTimeoutMs: 60_000, host: 'h', isPidAlive: () => false, maxAttempts: 3 });
    assert.deepEqual([reclaimed.requeued, reclaimed.failed], [1, 1]);
    const t = await tableOf(run.runId);
    assert.deepEqual([t.status, t.failedChunks], ['in_progress', 1]);
    assert.match(t.error ?? '', /worker gone stopped responding/);
    assert.equal((await getRunProgress(s.pool, S, run.runId, 30)).chunks.pending, 1, `chunk ${a.chunkId} is pending again`);
  });

  it('retry: failed chunks come back, the table is in progress again and its error is cleared', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_RETRY', 1)], { configHash: 'retry' }));
    const a = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    await failChunk(s.pool, S, claimOf(a), TERMINAL, NO_BACKOFF);
    assert.equal((await tableOf(run.runId)).status, 'failed');
    assert.equal((await retryChunks(s.pool, S, { runId: run.runId })).length, 1);
    const t = await tableOf(run.runId);
    assert.deepEqual([t.status, t.failedChunks, t.error], ['in_progress', 0, null]);
  });

  it('stop, resume: unfinished tables read stopped (the seed dashboard no longer lists them), then in progress again', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_STOP', 3), table('T_NOT_STARTED', 1), table('T_DONE', 1)], { configHash: 'stop' }));
    await complete((await claimChunk(s.pool, S, run.runId, 'w'))!);
    // Table 3's only chunk, claimed and completed out of table order (the others held back).
    await s.pool.query(`UPDATE ${S}.migration_chunk_status SET next_attempt_at = now() + interval '1 hour' WHERE run_id = $1 AND table_ordinal <> 3`, [run.runId]);
    await complete((await claimChunk(s.pool, S, run.runId, 'w'))!);
    await s.pool.query(`UPDATE ${S}.migration_chunk_status SET next_attempt_at = NULL WHERE run_id = $1`, [run.runId]);
    // Other tests' runs share the schema: look at this run's tables only.
    const mine = ['T_STOP', 'T_NOT_STARTED', 'T_DONE'];
    const dashboard = async () => (await s.pool.query<{ source_table: string }>(SEED_DASHBOARD)).rows.map((r) => r.source_table).filter((n) => mine.includes(n));
    assert.deepEqual(await dashboard(), ['T_STOP']);

    await requestStop(s.pool, S, run.runId);
    const outcome = await close(run.runId);
    assert.equal(outcome.run.status, 'stopped');
    assert.deepEqual((await getRunTables(s.pool, S, run.runId)).map((t) => t.status), ['stopped', 'stopped', 'completed']);
    assert.deepEqual(await dashboard(), [], 'the dashboard lists no table of a stopped run');
    const stopped = await getRunProgress(s.pool, S, run.runId, 30);
    assert.deepEqual([stopped.rowsPerSecond, stopped.etaSeconds], [0, null], 'no rate and no ETA for a run that is not running');

    await startRun(s.pool, S, run.runId);
    assert.deepEqual((await getRunTables(s.pool, S, run.runId)).map((t) => t.status), ['in_progress', 'pending', 'completed']);
  });

  it('abandon: the chunks in flight go back, and the unfinished tables read stopped', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_ABANDON', 2)], { configHash: 'abandon' }));
    const inFlight = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    const client = await s.pool.connect();
    try {
      await abandonRun(client, S, run.runId);
    } finally {
      client.release();
    }
    assert.equal((await tableOf(run.runId)).status, 'stopped');
    await assert.rejects(complete(inFlight), /no longer held/);
  });

  it('a run that fails with chunks left leaves its unfinished tables stopped, and a resume takes them back', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_FAILED_RUN', 2)], { configHash: 'failed-run' }));
    await failChunk(s.pool, S, claimOf((await claimChunk(s.pool, S, run.runId, 'w'))!), TERMINAL, NO_BACKOFF);
    const outcome = await close(run.runId);
    assert.equal(outcome.run.status, 'failed');
    assert.equal((await tableOf(run.runId)).status, 'stopped');
    await startRun(s.pool, S, run.runId);
    assert.equal((await tableOf(run.runId)).status, 'in_progress');
  });

  it('measures the rate from when the run (re)started running, not over a whole window', async () => {
    const run = await startedRun(s.pool, S, newRun([table('T_RATE', 3)], { configHash: 'rate' }));
    const started = (await getRun(s.pool, S, run.runId))!;
    assert.ok(started.runningSince, 'start sets running_since');
    // As if the run had been running for 5 s and loaded one chunk (10 rows) meanwhile.
    await s.pool.query(`UPDATE ${S}.migration_runs SET running_since = now() - interval '5 seconds' WHERE run_id = $1`, [run.runId]);
    await complete((await claimChunk(s.pool, S, run.runId, 'w'))!);
    const p = await getRunProgress(s.pool, S, run.runId, 30);
    assert.equal(p.rate.rowsInWindow, 10);
    assert.equal(p.rate.windowSeconds, 60);
    assert.ok(p.rate.runningSeconds >= 5 && p.rate.runningSeconds < 30, `running ${p.rate.runningSeconds} s`);
    assert.ok(p.rowsPerSecond > 10 / 30 && p.rowsPerSecond <= 2, `10 rows over ~5 s, not over 60 s: ${p.rowsPerSecond}`);
    assert.ok(p.etaSeconds !== null && p.etaSeconds > 0);

    // Rows an earlier invocation loaded do not count towards the rate of a resumed run.
    await requestStop(s.pool, S, run.runId);
    await close(run.runId);
    await startRun(s.pool, S, run.runId);
    const resumed = await getRunProgress(s.pool, S, run.runId, 30);
    assert.equal(resumed.rate.rowsInWindow, 0);
    assert.equal(resumed.rowsLoaded, 10);

    // A resume of a run still marked in progress (its workers died) starts the window anew too.
    await s.pool.query(`UPDATE ${S}.migration_runs SET running_since = now() - interval '1 hour' WHERE run_id = $1`, [run.runId]);
    await startRun(s.pool, S, run.runId);
    assert.ok((await getRunProgress(s.pool, S, run.runId, 30)).rate.runningSeconds < 30);
  });
});
