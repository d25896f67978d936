import assert from 'node:assert/strict';
import type pg from 'pg';
import {
  abandonRun,
  claimChunk,
  completeChunk,
  createRun,
  failChunk,
  findOpenRun,
  findOtherWriters,
  finishRun,
  getChunk,
  getRun,
  getRunProgress,
  getRunTables,
  inTransaction,
  listChunks,
  requestStop,
  retryChunks,
  setTunables,
  startRun,
  type ChunkRecord,
} from '../../src/engine/state';
import { ChunkLeaseLostError, RefusedError } from '../../src/engine/errors';
import { chunks, newRun, startedRun, statusDatabase, table, type StatusDb } from './stateFixtures';

const S = 'migration_status';

/** Completes a claimed chunk the way loadChunk does, in a transaction of its own. */
async function complete(pool: pg.Pool, chunk: ChunkRecord, rows = chunk.rows): Promise<void> {
  const client = await pool.connect();
  try {
    await inTransaction(client, () =>
      completeChunk(client, S, { runId: chunk.runId, chunkId: chunk.chunkId, workerId: chunk.workerId!, attempt: chunk.attempts }, { rows, bytes: rows * 20 }),
    );
  } finally {
    client.release();
  }
}

const claimOf = (c: ChunkRecord) => ({ runId: c.runId, chunkId: c.chunkId, workerId: c.workerId!, attempt: c.attempts });

describe('run state', () => {
  let s: StatusDb;
  before(async () => {
    s = await statusDatabase();
  });
  after(async () => s.close());

  it('records a run with ~11k chunks in one transaction, quickly', async () => {
    const client = await s.pool.connect();
    try {
      const started = performance.now();
      const run = await createRun(client, S, newRun([table('FACT_BIG', 10_968), table('DIM_SMALL', 3), table('EMPTY', 0)], { configHash: 'big' }));
      const ms = performance.now() - started;
      assert.match(run.runId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
      assert.equal(run.status, 'pending');
      const tables = await getRunTables(client, S, run.runId);
      assert.deepEqual(
        tables.map((t) => [t.tableOrdinal, t.sourceTable, t.status, t.totalChunks, t.totalRows]),
        [
          [1, 'FACT_BIG', 'pending', 10_968, 109_680],
          [2, 'DIM_SMALL', 'pending', 3, 30],
          [3, 'EMPTY', 'completed', 0, 0],
        ],
      );
      assert.deepEqual(tables[0]!.columnMappings[0]!.targetType, 'bigint');
      const last = await getChunk(client, S, run.runId, 10_971);
      assert.equal(last?.tableOrdinal, 2);
      assert.deepEqual(
        [last?.partitionValue, last?.splitLow, last?.splitHigh, last?.rows],
        ['2025-12-14', '21', null, 10],
        'the range comes back as planned',
      );
      console.log(`      createRun: 10,971 chunks in ${ms.toFixed(0)} ms`);
      assert.ok(ms < 10_000);
    } finally {
      client.release();
    }
  });

  it('rolls the whole run back when one chunk cannot be recorded', async () => {
    const client = await s.pool.connect();
    try {
      const bad = chunks(5);
      bad[3] = { ...bad[3]!, rows: -1 };
      await assert.rejects(createRun(client, S, newRun([table('T1', 2), table('T2', 0, { chunks: bad })], { runId: 'broken-run' })));
      assert.equal(await getRun(client, S, 'broken-run'), null);
    } finally {
      client.release();
    }
  });

  it('finds the newest unfinished run of a config', async () => {
    const a = await startedRun(s.pool, S, newRun([table('T', 1)], { configHash: 'find-me', runId: 'r-find-1' }));
    const b = await startedRun(s.pool, S, newRun([table('T', 1)], { configHash: 'find-me', runId: 'r-find-2' }));
    assert.equal((await findOpenRun(s.pool, S, 'find-me'))?.runId, b.runId);
    const client = await s.pool.connect();
    try {
      await abandonRun(client, S, b.runId);
    } finally {
      client.release();
    }
    assert.equal((await findOpenRun(s.pool, S, 'find-me'))?.runId, a.runId);
    assert.equal(await findOpenRun(s.pool, S, 'no-such-config'), null);
  });

  it('hands out each chunk once to claimers racing on four connections, and counts every completion', async () => {
    const run = await startedRun(s.pool, S, newRun([table('RACE_A', 120), table('RACE_B', 80)]));
    const claimed: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map(async (w) => {
        const client = await s.pool.connect();
        try {
          for (;;) {
            const chunk = await claimChunk(client, S, run.runId, `worker-${w}`);
            if (!chunk) return;
            assert.equal(chunk.status, 'in_progress');
            assert.equal(chunk.attempts, 1);
            claimed.push(chunk.chunkId);
            if (chunk.chunkId % 2 === 0) {
              await inTransaction(client, () =>
                completeChunk(client, S, { runId: chunk.runId, chunkId: chunk.chunkId, workerId: `worker-${w}`, attempt: 1 }, { rows: 10, bytes: 1 }),
              );
            }
          }
        } finally {
          client.release();
        }
      }),
    );
    assert.equal(claimed.length, 200);
    assert.equal(new Set(claimed).size, 200, 'no chunk was handed out twice');
    const tables = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual(
      tables.map((t) => [t.status, t.completedChunks, t.rowsLoaded]),
      [
        ['in_progress', 60, 600],
        ['in_progress', 40, 400],
      ],
    );
  });

  it('claims in table order and nothing from a run that is stopping or not started', async () => {
    const client = await s.pool.connect();
    let runId: string;
    try {
      runId = (await createRun(client, S, newRun([table('FIRST', 2), table('SECOND', 2)]))).runId;
    } finally {
      client.release();
    }
    assert.equal(await claimChunk(s.pool, S, runId, 'w'), null, 'a pending run hands out nothing');
    await startRun(s.pool, S, runId);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await claimChunk(s.pool, S, runId, 'w'))!.tableOrdinal);
    assert.deepEqual(order, [1, 1, 2]);
    await requestStop(s.pool, S, runId);
    assert.equal(await claimChunk(s.pool, S, runId, 'w'), null, 'a stopping run hands out nothing');
  });

  it('counts completed chunks and rows, and completes the table with its last chunk', async () => {
    const run = await startedRun(s.pool, S, newRun([table('COUNTED', 3)]));
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await claimChunk(s.pool, S, run.runId, 'w1'))!);
    await complete(s.pool, got[0]!);
    await complete(s.pool, got[1]!);
    let [t] = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([t!.status, t!.completedChunks, t!.rowsLoaded], ['in_progress', 2, 20]);
    await complete(s.pool, got[2]!);
    [t] = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([t!.status, t!.completedChunks, t!.rowsLoaded], ['completed', 3, 30]);
    assert.ok(t!.completedAt instanceof Date);
    const outcome = await inClient(s.pool, (c) => finishRun(c, S, run.runId));
    assert.equal(outcome.run.status, 'completed');
    assert.equal(outcome.chunksCompleted, 3);
  });

  it('fences completion on the claim: another worker or attempt cannot complete it', async () => {
    const run = await startedRun(s.pool, S, newRun([table('FENCED', 1)]));
    const chunk = (await claimChunk(s.pool, S, run.runId, 'w1'))!;
    await assert.rejects(complete(s.pool, { ...chunk, workerId: 'w2' }), ChunkLeaseLostError);
    await assert.rejects(complete(s.pool, { ...chunk, attempts: 2 }), ChunkLeaseLostError);
    const [t] = await getRunTables(s.pool, S, run.runId);
    assert.equal(t!.completedChunks, 0, 'the failed fence changed no counter');
  });

  it('backs off transient failures exponentially in the database, then fails at the last attempt', async () => {
    const run = await startedRun(s.pool, S, newRun([table('FLAKY', 1)]));
    const policy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 90_000 };
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Make a waiting chunk due now, as time passing would.
      await s.pool.query(`UPDATE ${S}.migration_chunk_status SET next_attempt_at = now() - interval '1 second' WHERE run_id = $1`, [run.runId]);
      const chunk = (await claimChunk(s.pool, S, run.runId, 'w1'))!;
      assert.equal(chunk.attempts, attempt);
      const outcome = (await failChunk(s.pool, S, claimOf(chunk), { message: `timeout #${attempt}`, code: '57014', retryable: true }, policy))!;
      if (attempt < 3) {
        assert.equal(outcome.status, 'pending');
        waits.push(Math.round((outcome.nextAttemptAt!.getTime() - Date.now()) / 1000));
        assert.equal(await claimChunk(s.pool, S, run.runId, 'w2'), null, 'a chunk waiting on its backoff is not claimed');
      } else {
        assert.equal(outcome.status, 'failed');
        assert.equal(outcome.nextAttemptAt, null);
      }
    }
    assert.ok(Math.abs(waits[0]! - 60) <= 2 && Math.abs(waits[1]! - 90) <= 2, `waits ${waits} are 60 s, then 120 s capped at 90 s`);
    const failed = (await getChunk(s.pool, S, run.runId, 1))!;
    assert.deepEqual([failed.status, failed.lastError, failed.errorCode], ['failed', 'timeout #3', '57014']);
    const [t] = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([t!.status, t!.failedChunks, t!.error], ['failed', 1, 'timeout #3']);
  });

  it('fails a terminal error at once, and records nothing for a claim already taken back', async () => {
    const run = await startedRun(s.pool, S, newRun([table('BAD_DATA', 2)]));
    const chunk = (await claimChunk(s.pool, S, run.runId, 'w1'))!;
    assert.equal(await failChunk(s.pool, S, { ...claimOf(chunk), workerId: 'other' }, { message: 'x', code: null, retryable: true }), null);
    const outcome = await failChunk(s.pool, S, claimOf(chunk), { message: 'invalid input syntax for type bigint', code: '22P02', retryable: false });
    assert.equal(outcome?.status, 'failed');
    assert.equal(outcome?.attempts, 1);
    const [t] = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([t!.status, t!.failedChunks], ['in_progress', 1], 'the table goes on while it has chunks left');
  });

  it('re-queues failed chunks (one, a table, the run) with fresh attempts', async () => {
    const run = await startedRun(s.pool, S, newRun([table('R1', 3), table('R2', 2)]));
    const terminal = { message: 'bad', code: '22P02', retryable: false };
    for (let i = 0; i < 5; i++) {
      const chunk = (await claimChunk(s.pool, S, run.runId, 'w1'))!;
      if (chunk.chunkId === 2) await complete(s.pool, chunk);
      else await failChunk(s.pool, S, claimOf(chunk), terminal);
    }
    assert.equal((await retryChunks(s.pool, S, { runId: run.runId, chunkId: 2 })).length, 0, 'a completed chunk is never re-queued');
    assert.equal((await retryChunks(s.pool, S, { runId: run.runId, chunkId: 1 })).length, 1);
    let tables = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([tables[0]!.failedChunks, tables[0]!.status], [1, 'in_progress']);
    assert.equal((await retryChunks(s.pool, S, { runId: run.runId, tableOrdinal: 2 })).length, 2);
    tables = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([tables[1]!.failedChunks, tables[1]!.status], [0, 'in_progress']);
    assert.equal((await retryChunks(s.pool, S, { runId: run.runId })).length, 1, 'the rest of the run: chunk 3');
    const pending = await listChunks(s.pool, S, run.runId, { status: 'pending' });
    assert.deepEqual(
      pending.map((c) => [c.chunkId, c.attempts]),
      [
        [1, 0],
        [3, 0],
        [4, 0],
        [5, 0],
      ],
    );
    const again = (await claimChunk(s.pool, S, run.runId, 'w2'))!;
    assert.deepEqual([again.chunkId, again.attempts], [1, 1]);
  });

  it('changes tunables, refuses nonsense, and closes runs as stopped or failed', async () => {
    const run = await startedRun(s.pool, S, newRun([table('TUNED', 2)]));
    const tuned = await setTunables(s.pool, S, run.runId, { parallelThreads: 12 });
    assert.deepEqual([tuned.parallelThreads, tuned.batchSize], [12, 10]);
    await assert.rejects(setTunables(s.pool, S, run.runId, { batchSize: 0 }), RefusedError);
    await requestStop(s.pool, S, run.runId);
    let outcome = await inClient(s.pool, (c) => finishRun(c, S, run.runId));
    assert.deepEqual([outcome.run.status, outcome.chunksUnfinished], ['stopped', 2]);
    const resumed = await startRun(s.pool, S, run.runId);
    assert.deepEqual([resumed.status, resumed.stopRequested], ['in_progress', false]);
    const chunk = (await claimChunk(s.pool, S, run.runId, 'w'))!;
    await failChunk(s.pool, S, claimOf(chunk), { message: 'no', code: null, retryable: false });
    outcome = await inClient(s.pool, (c) => finishRun(c, S, run.runId));
    assert.equal(outcome.run.status, 'failed');
    assert.equal(outcome.run.error, '1 chunk(s) failed, 1 chunk(s) not loaded');
    const progress = await getRunProgress(s.pool, S, run.runId, 30);
    assert.deepEqual(progress.chunks, { pending: 1, in_progress: 0, completed: 0, failed: 1 });
  });

  it('abandons a run for good: a worker still loading cannot commit, and the run is closed', async () => {
    const run = await startedRun(s.pool, S, newRun([table('LEFT', 2)]));
    const chunk = (await claimChunk(s.pool, S, run.runId, 'w1'))!;
    const abandoned = await inClient(s.pool, (c) => abandonRun(c, S, run.runId));
    assert.equal(abandoned.run.status, 'abandoned');
    assert.deepEqual(abandoned.released, [{ chunkId: chunk.chunkId, tableOrdinal: chunk.tableOrdinal, attempts: 1 }], 'the chunk in flight is named');
    await assert.rejects(complete(s.pool, chunk), ChunkLeaseLostError);
    await assert.rejects(startRun(s.pool, S, run.runId), /abandoned and cannot be resumed/);
    assert.equal(await claimChunk(s.pool, S, run.runId, 'w2'), null);
  });

  it('names the other open runs writing to a target table', async () => {
    const mine = await startedRun(s.pool, S, newRun([table('SHARED', 1, { targetSchema: 'guarded', targetTable: 'facts' })]));
    const other = await startedRun(s.pool, S, newRun([table('SHARED', 1, { targetSchema: 'guarded', targetTable: 'facts' })], { configHash: 'other' }));
    const gone = await startedRun(s.pool, S, newRun([table('SHARED', 1, { targetSchema: 'guarded', targetTable: 'facts' })]));
    await inClient(s.pool, (c) => abandonRun(c, S, gone.runId));
    const writers = await findOtherWriters(s.pool, S, { runId: mine.runId, targetSchema: 'guarded', targetTable: 'facts' });
    assert.deepEqual(
      writers.map((w) => [w.runId, w.runStatus, w.configHash]),
      [[other.runId, 'in_progress', 'other']],
    );
    assert.deepEqual(await findOtherWriters(s.pool, S, { runId: mine.runId, targetSchema: 'guarded', targetTable: 'Facts' }), []);
  });
});

async function inClient<T>(pool: pg.Pool, use: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    return await use(c);
  } finally {
    c.release();
  }
}
