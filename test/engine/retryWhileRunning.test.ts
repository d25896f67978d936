// Retrying failed chunks of a run the worker is executing (the progress panel's Retry buttons while
// the run goes on): they go back into the running run, which loads them, with no second run and
// no refusal. Several chunks can be named at once (Retry all of one error's chunks).
import assert from 'node:assert/strict';
import { Events, Requests } from '../../src/protocol/engine';
import type { EngineClient } from '../../src/engine/worker/client';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

/** The chunk queries of two days (their binds carry the partition value). */
const TWO_DAYS = 'AS "ROW" FROM .* -- binds: \\["2023-11-0[56]"';

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
});
