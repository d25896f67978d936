// Retrying failed chunks of a run the worker is executing (the progress panel's Retry buttons while
// the run goes on): they go back into the running run, which loads them, with no second run and
// no refusal. Several chunks can be named at once (Retry all of one error's chunks). A retry that
// comes after the worker's last claim (the run is closing) still gets its chunk loaded.
import assert from 'node:assert/strict';
import pg from 'pg';
import { Events, Requests } from '../../src/protocol/engine';
import type { EngineClient } from '../../src/engine/worker/client';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

/** The chunk queries of two days (their binds carry the partition value). */
const TWO_DAYS = 'AS "ROW" FROM .* -- binds: \\["2023-11-0[56]"';
/** The chunk queries of one day. */
const ONE_DAY = 'AS "ROW" FROM .* -- binds: \\["2023-11-07"';

describe('retry while the run is executing', function () {
  let fx: Fixture;
  let worker: EngineClient | undefined;
  before(async () => {
    fx = await createFixture({ demoRows: 4000 });
  });
  after(async () => {
    await stopWorker(worker);
    await fx?.close();
  });

  it('re-queues failed chunks into the running run, which completes them', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 100, parallel_threads: 2, max_attempts: 1 });
    // Slow answers keep the run going; two days fail at their first (and only) attempt.
    fx.setFaults({ delayMs: 25, failQueries: [{ pattern: TWO_DAYS, count: 1_000_000, kind: 'sql' }] });
    worker = startWorker({ ...process.env, ...fx.env });
    const failed = new Set<number>();
    let started = 0;
    const bothFailed = new Promise<void>((resolve) => {
      worker!.on(Events.chunkStateChanged, (e) => {
        if (e.status === 'failed') failed.add(e.chunkId);
        if (failed.size === 2) resolve();
      });
    });
    worker.on(Events.runStarted, () => started++);
    const finished = new Promise<{ status: string; failedChunks: number }>((resolve) => worker!.on(Events.runFinished, resolve));
    const { runId } = await worker.request(Requests.start, { configPath: config });
    await bothFailed;

    fx.setFaults({ failQueries: [], delayMs: 0 });
    const [run] = await fx.query<{ status: string; pending: string }>(
      `SELECT r.status, (SELECT count(*) FROM migration_status.migration_chunk_status c WHERE c.run_id = r.run_id AND c.status = 'pending') AS pending
       FROM migration_status.migration_runs r`,
    );
    assert.equal(run!.status, 'in_progress', 'the run is still executing when the retry comes');
    assert.ok(Number(run!.pending) > 0, 'chunks are still pending, so the run goes on after the retry');
    const retried = await worker.request(Requests.retry, { configPath: config, runId, chunkIds: [...failed] });
    assert.deepEqual(retried, { runId, requeued: 2 });

    const end = await finished;
    assert.deepEqual(end.status, 'completed');
    assert.equal(started, 1, 'no second run was started');
    const chunks = await fx.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM migration_status.migration_chunk_status WHERE chunk_id = ANY($1) ORDER BY chunk_id`,
      [[...failed]],
    );
    assert.deepEqual(chunks, [
      { status: 'completed', attempts: 1 },
      { status: 'completed', attempts: 1 },
    ]);
    await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'analytics', table: 'factvisitcallperformance_cr' }, DEMO_COLUMNS);
  });

  it('a retry that comes after the worker claimed its last chunk resumes the run, which loads the chunk', async () => {
    await stopWorker(worker);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'late_retry' }], { batch_size: 400, parallel_threads: 2, max_attempts: 1 }, 'late-retry.json');
    // Slowed so that the run cannot close before the holder below locks its row (a CI run once
    // waited here for the whole timeout).
    fx.setFaults({ delayMs: 150, failQueries: [{ pattern: ONE_DAY, count: 1_000_000, kind: 'sql' }] });
    worker = startWorker({ ...process.env, ...fx.env });
    const finishes: Array<{ status: string }> = [];
    const logs: string[] = [];
    worker.on(Events.runFinished, (e) => finishes.push(e));
    worker.on(Events.log, (l) => logs.push(l.message));

    // Holding the run's row makes the worker wait at its close (finishRun locks that row): its
    // claim loop has ended, the run is not closed yet. That is the window the retry lands in.
    const holder = new pg.Client({ host: fx.db.host, port: fx.db.port, user: fx.db.user, password: fx.db.password, database: fx.db.database });
    await holder.connect();
    try {
      const { runId } = await worker.request(Requests.start, { configPath: config });
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM migration_status.migration_runs WHERE run_id = $1 FOR UPDATE', [runId]);
      const closing = async () =>
        (
          await fx.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%migration_runs WHERE run_id = $1 FOR UPDATE%'`,
          )
        ).length > 0;
      while (!(await closing())) await new Promise((r) => setTimeout(r, 20));
      const [failed] = await fx.query<{ chunk_id: number }>(
        `SELECT chunk_id FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'failed'`,
        [runId],
      );
      assert.ok(failed, 'the day that fails has a failed chunk');
      const [pending] = await fx.query<{ n: string }>(
        `SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status <> 'completed' AND status <> 'failed'`,
        [runId],
      );
      assert.equal(Number(pending!.n), 0, 'every other chunk is loaded: the worker has nothing left to claim');

      fx.setFaults({ failQueries: [], delayMs: 0 });
      let answered = false;
      const retrying = worker.request(Requests.retry, { configPath: config, runId, chunkId: failed.chunk_id }).finally(() => (answered = true));
      // The retry has reached the worker once it answers (re-queued into the closing run) or says it will resume the run.
      const deferred = () => logs.some((m) => m.includes(`run ${runId} has no chunk left to claim`));
      while (!answered && !deferred()) await new Promise((r) => setTimeout(r, 20));
      const answeredWhileClosing = answered;
      await holder.query('COMMIT');
      const retried = await retrying;
      assert.equal(answeredWhileClosing, false, 'the retry waits for the closing run instead of re-queueing into it');
      assert.deepEqual(retried, { runId, requeued: 1 });

      while (finishes.length < 2) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(finishes.map((f) => f.status), ['failed', 'completed'], 'the closing run ends failed, the retry resumes it to completion');
      const [chunk] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_chunk_status WHERE run_id = $1 AND chunk_id = $2`, [
        runId,
        failed.chunk_id,
      ]);
      assert.equal(chunk!.status, 'completed');
      const [run] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_runs WHERE run_id = $1`, [runId]);
      assert.equal(run!.status, 'completed');
      await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'late_retry', table: 'factvisitcallperformance_cr' }, DEMO_COLUMNS);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
