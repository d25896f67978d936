// Crashes and company: SIGKILL mid-run then resume; two processes sharing a run; a dead worker's
// chunks taken back by the survivor. Each ends with a target equal to the source: nothing lost,
// nothing twice.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { assertDemoChunksLoadedOnce } from '../support/exactlyOnce';
import { createFixture, type Fixture } from '../support/migration';

const SOURCE = { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' };
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
const ROWS = 8000;

async function completedChunks(fx: Fixture, runId: string): Promise<number> {
  const rows = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'completed'`, [runId]);
  return Number(rows[0]!.n);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runningWorkerPids(fx: Fixture, runId: string): Promise<number[]> {
  const rows = await fx.query<{ pid: number }>(`SELECT pid FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running'`, [runId]);
  return rows.map((r) => Number(r.pid));
}

describe('resume and shared runs', function () {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: ROWS });
    // Every emulator answer takes a little while, so runs last long enough to be interrupted.
    fx.setFaults({ delayMs: 40 });
  });
  afterEach(async () => fx?.close());

  it('survives SIGKILL of the CLI and its worker: resume completes with no duplicate and no loss', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true }], { batch_size: 200, parallel_threads: 2 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    const started = await cli.waitForEvent((e) => e.event === 'run/started');
    const runId = String(started.runId);
    await waitFor(async () => (await completedChunks(fx, runId)) >= 5, 'five completed chunks');
    const workers = await runningWorkerPids(fx, runId);
    assert.equal(workers.length, 1);
    cli.child.kill('SIGKILL');
    process.kill(workers[0]!, 'SIGKILL');
    await cli.done;

    const [before] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM analytics.factvisitcallperformance_cr`);
    assert.ok(Number(before!.n) > 0 && Number(before!.n) < ROWS, `killed mid-run (${before!.n} rows loaded)`);

    fx.setFaults({ delayMs: 0 });
    const resumed = await fx.cli(['resume', '--config', config, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.events[0]?.runId, runId, 'resume picks the unfinished run of this config');
    await assertDemoChunksLoadedOnce(fx, runId, ROWS);
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const [truncations] = await fx.query<{ truncated_at: Date | null }>(`SELECT truncated_at FROM migration_status.migration_table_status WHERE run_id = $1`, [runId]);
    assert.equal(truncations!.truncated_at, null, 'a fresh target is never truncated, and resume never truncates');
  });

  it('stops after the chunks in flight on Ctrl-C, and resumes from there', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 200, parallel_threads: 2 });
    const cli = fx.startCli(['start', '--config', config, '--json'], { group: true });
    const runId = String((await cli.waitForEvent((e) => e.event === 'run/started')).runId);
    await waitFor(async () => (await completedChunks(fx, runId)) >= 3, 'three completed chunks');
    // Ctrl-C in a terminal: SIGINT to the whole process group, the worker included.
    process.kill(-cli.child.pid!, 'SIGINT');
    const stopped = await cli.done;
    assert.equal(stopped.code, 1, 'the run did not finish');
    assert.equal(stopped.events.find((e) => e.event === 'run/finished')?.status, 'stopped', 'the worker stopped cleanly, not killed');
    const [chunks] = await fx.query<{ in_progress: string; completed: string }>(
      `SELECT count(*) FILTER (WHERE status = 'in_progress') AS in_progress, count(*) FILTER (WHERE status = 'completed') AS completed
       FROM migration_status.migration_chunk_status WHERE run_id = $1`,
      [runId],
    );
    assert.equal(chunks!.in_progress, '0', 'the chunks in flight were finished, not left behind');
    const tableStatus = async () =>
      (await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_table_status WHERE run_id = $1`, [runId])).map((t) => t.status);
    assert.deepEqual(await tableStatus(), ['stopped'], "the stopped run's table reads stopped, so the seed dashboard no longer lists it");

    fx.setFaults({ delayMs: 0 });
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    await assertDemoChunksLoadedOnce(fx, runId, ROWS);
    assert.deepEqual(await tableStatus(), ['completed']);
  });

  it('lets two processes share one run, each chunk loaded exactly once, and takes back the chunks of a worker that dies', async function () {
    // Two workers, 200 small chunks, every emulator answer delayed: minutes on a busy machine.
    this.timeout(300_000);
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 200, parallel_threads: 2 });
    const first = fx.startCli(['start', '--config', config, '--json']);
    const runId = String((await first.waitForEvent((e) => e.event === 'run/started')).runId);
    const second = fx.startCli(['resume', '--config', config, '--run', runId, '--json']);
    await waitFor(async () => (await runningWorkerPids(fx, runId)).length === 2, 'two workers');
    await waitFor(async () => (await completedChunks(fx, runId)) >= 6, 'some chunks');

    // The first process's worker dies holding chunks; the second takes them back and finishes.
    const [firstWorker] = await fx.query<{ pid: number; worker_id: string }>(
      `SELECT pid, worker_id FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running' ORDER BY started_at LIMIT 1`,
      [runId],
    );
    process.kill(Number(firstWorker!.pid), 'SIGKILL');
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 1, 'the process whose worker died did not finish its run');
    assert.equal(b.code, 0, b.stderr);

    await assertDemoChunksLoadedOnce(fx, runId, ROWS);
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const byWorker = await fx.query<{ worker_id: string; n: string }>(
      `SELECT worker_id, count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 GROUP BY worker_id`,
      [runId],
    );
    assert.equal(byWorker.length, 2, 'both workers loaded chunks');
    const [dead] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_workers WHERE worker_id = $1`, [firstWorker!.worker_id]);
    assert.equal(dead!.status, 'dead');
  });
});
