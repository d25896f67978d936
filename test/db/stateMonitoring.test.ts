// Runs every sql/monitoring query, as users do in psql, against a status schema holding a run in
// the middle of things: chunks completed, failed, backing off, held by a dead worker.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { sqlFiles } from '../../src/generated/sql';
import {
  claimChunk,
  completeChunk,
  failChunk,
  inTransaction,
  registerWorker,
  type ChunkRecord,
} from '../../src/engine/state';
import { newRun, startedRun, statusDatabase, table, type StatusDb } from './stateFixtures';

const S = 'migration_status';

/** The seed system's dashboard query, character for character. */
const SEED_DASHBOARD = `SELECT target_schema, source_table, ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' as progress FROM migration_status.migration_table_status WHERE status = 'in_progress';`;

async function runFile(pool: pg.Pool, name: keyof typeof sqlFiles): Promise<pg.QueryResult[]> {
  const result = (await pool.query(sqlFiles[name])) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}

describe('monitoring queries', () => {
  let s: StatusDb;
  let runId: string;
  let idleRunId: string;
  before(async () => {
    s = await statusDatabase();
    const run = await startedRun(s.pool, S, newRun([table('FACTVISITCALLPERFORMANCE_CR', 8), table('DIM_DATE', 2)]));
    runId = run.runId;
    idleRunId = (await startedRun(s.pool, S, newRun([table('NOBODY_LOADS_ME', 2)], { configHash: 'idle' }))).runId;
    await registerWorker(s.pool, S, { workerId: 'alive', runId, host: 'h1', pid: 10, threads: 4 });
    await registerWorker(s.pool, S, { workerId: 'hung', runId, host: 'h2', pid: 20, threads: 4 });
    const claim = async (worker: string) => (await claimChunk(s.pool, S, runId, worker))!;
    const claimOf = (c: ChunkRecord) => ({ runId, chunkId: c.chunkId, workerId: c.workerId!, attempt: c.attempts });
    // Chunks 1-3 of table 1 completed.
    for (let i = 0; i < 3; i++) {
      const c = await claim('alive');
      const client = await s.pool.connect();
      try {
        await inTransaction(client, () => completeChunk(client, S, claimOf(c), { rows: c.rows, bytes: 2048 }));
      } finally {
        client.release();
      }
    }
    await failChunk(s.pool, S, claimOf(await claim('alive')), { message: 'invalid input syntax for type bigint: "x"', code: '22P02', retryable: false });
    await failChunk(s.pool, S, claimOf(await claim('alive')), { message: 'warehouse suspended', code: '000630', retryable: true }, { maxAttempts: 5, baseDelayMs: 600_000, maxDelayMs: 600_000 });
    await claim('hung');
    await claim('alive');
    await s.pool.query(
      `UPDATE ${S}.migration_workers SET heartbeat_at = now() - interval '10 minutes' WHERE worker_id = 'hung';
       UPDATE ${S}.migration_chunk_status SET heartbeat_at = now() - interval '10 minutes' WHERE worker_id = 'hung' AND status = 'in_progress'`,
    );
  });
  after(async () => s.close());

  it("run the seed's dashboard query unchanged, with the right progress", async () => {
    const { rows } = await s.pool.query(SEED_DASHBOARD);
    assert.deepEqual(rows, [{ target_schema: 'analytics_dev2', source_table: 'FACTVISITCALLPERFORMANCE_CR', progress: '37.5%' }]);
    const [seed, rich] = await runFile(s.pool, 'monitoring/dashboard.sql');
    assert.deepEqual(seed!.rows, rows);
    const mine = rich!.rows.filter((r) => r.run_id === runId);
    assert.equal(mine.length, 2);
    const fact = mine[0];
    assert.equal(fact.run_id, runId);
    assert.deepEqual(
      [fact.chunks, Number(fact.failed), Number(fact.in_flight), Number(fact.backing_off), Number(fact.rows_loaded), Number(fact.total_rows), fact.pct_rows],
      ['3/8', 1, 2, 1, 30, 80, '37.5'],
    );
    assert.ok(fact.eta, 'a table with a recent rate has an ETA');
    assert.equal(mine[1].status, 'pending');
    assert.deepEqual(
      rich!.rows.filter((r) => r.run_id === idleRunId).map((r) => [r.source_table, r.chunks]),
      [['NOBODY_LOADS_ME', '0/2']],
    );
  });

  it('list failed chunks with their error and range, and group them by error', async () => {
    const [list, grouped] = await runFile(s.pool, 'monitoring/failed_chunks.sql');
    assert.equal(list!.rows.length, 1);
    assert.deepEqual([list!.rows[0].chunk_id, list!.rows[0].error_code, list!.rows[0].split_range], [4, '22P02', '[31, 41)']);
    assert.equal(Number(grouped!.rows[0].chunks), 1);
  });

  it('diagnose a stuck migration: stale chunk, silent worker, backoff', async () => {
    const [stale, silent, waiting, idle] = await runFile(s.pool, 'monitoring/diagnose_stuck_migration.sql');
    assert.deepEqual(
      stale!.rows.map((r) => [r.chunk_id, r.worker_id]),
      [[6, 'hung']],
    );
    assert.deepEqual(
      silent!.rows.map((r) => [r.worker_id, Number(r.chunks_held)]),
      [['hung', 1]],
    );
    assert.deepEqual(
      waiting!.rows.map((r) => [r.chunk_id, r.error_code]),
      [[5, '000630']],
    );
    assert.deepEqual(
      idle!.rows.map((r) => [r.run_id, Number(r.pending), Number(r.live_workers)]),
      [[idleRunId, 2, 0]],
      'only the run with nothing in flight',
    );
  });

  it('chart throughput per minute', async () => {
    const [perMinute] = await runFile(s.pool, 'monitoring/throughput_per_minute.sql');
    const total = perMinute!.rows.reduce((n, r) => n + Number(r.rows), 0);
    assert.equal(total, 30);
    assert.equal(perMinute!.rows.reduce((n, r) => n + Number(r.chunks), 0), 3);
  });

  it('list workers with their chunks in flight', async () => {
    const [workers] = await runFile(s.pool, 'monitoring/workers.sql');
    assert.deepEqual(
      workers!.rows.map((r) => [r.worker_id, r.status, Number(r.chunks_in_flight), r.threads_desired]),
      [
        ['alive', 'running', 1, 4],
        ['hung', 'running', 1, 4],
      ],
    );
  });
});
