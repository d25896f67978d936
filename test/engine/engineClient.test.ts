// EngineClient on its own, against the real built worker: typed requests and events, listeners
// that can be disposed, stderr and crash causes that reach the host, and worker/abort.
import assert from 'node:assert/strict';
import { Events, Requests } from '../../src/protocol/engine';
import { EngineRequestError, WorkerExitedError, type EngineClient } from '../../src/engine/worker/client';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

describe('EngineClient (real worker process)', function () {
  let fx: Fixture;
  let worker: EngineClient | undefined;
  before(async () => {
    fx = await createFixture({ demoRows: 10 });
    await fx.emulator.sql('CREATE TABLE main.IDS AS SELECT range AS ID FROM range(1, 201)');
  });
  afterEach(async () => {
    fx.setFaults({ delayMs: 0 });
    await stopWorker(worker);
    worker = undefined;
  });
  after(async () => fx?.close());

  it('answers typed requests, reports refusals with their exit code, and stops delivering to a disposed listener', async () => {
    worker = startWorker({ ...process.env, ...fx.env });
    const statuses: string[] = [];
    const subscription = worker.on(Events.workerStatus, (e) => statuses.push(e.health));
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'client', split_column: 'ID' }], { batch_size: 50 }, 'plain.json');
    const refused = await worker.request(Requests.resume, { configPath: config }).catch((err: unknown) => err);
    assert.ok(refused instanceof EngineRequestError && refused.wire.exitCode === 2, String(refused));
    assert.deepEqual(statuses, ['ok'], 'the worker says it is ready');
    subscription.dispose();

    const chunkEvents: number[] = [];
    const chunks = worker.on(Events.chunkStateChanged, (e) => chunkEvents.push(e.chunkId));
    const finished = new Promise((resolve) => worker!.on(Events.runFinished, resolve));
    const { runId } = await worker.request(Requests.start, { configPath: config });
    const end = (await finished) as { runId: string; status: string; rowsLoaded: number; rowsLoadedHere: number };
    assert.deepEqual([end.runId, end.status, end.rowsLoaded, end.rowsLoadedHere], [runId, 'completed', 200, 200]);
    assert.ok(chunkEvents.length >= 8, 'claims and completions of four chunks');
    assert.deepEqual(statuses, ['ok'], 'a disposed listener hears nothing more');
    chunks.dispose();
  });

  it('passes what the worker writes to stderr, and the cause of its crash, to the host', async () => {
    // A broken environment: node cannot even load the worker.
    worker = startWorker({ ...process.env, NODE_OPTIONS: '--require /nonexistent/preload.cjs' });
    const lines: string[] = [];
    worker.onStderr((line) => lines.push(line));
    const err = await worker.request(Requests.listRuns, { configPath: '/nowhere.json' }).catch((e: unknown) => e);
    assert.ok(err instanceof WorkerExitedError, String(err));
    assert.equal(err.exit.code, 1);
    assert.ok(err.exit.stderrTail.some((l) => /Cannot find module '\/nonexistent\/preload\.cjs'/.test(l)), err.exit.stderrTail.join('\n'));
    assert.match(err.message, /exited with code 1 before answering runs\/list:[\s\S]*Cannot find module/);
    assert.ok(lines.some((l) => l.includes('/nonexistent/preload.cjs')), 'each stderr line reaches onStderr');
    const exit = await worker.waitForExit();
    assert.equal(exit.code, 1);
    await assert.rejects(worker.request(Requests.listRuns, { configPath: '/nowhere.json' }), WorkerExitedError, 'a dead worker refuses at once');
  });

  it('reports a worker killed mid-request by its signal', async () => {
    worker = startWorker({ ...process.env, ...fx.env });
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'killed', split_column: 'ID' }], {}, 'killed.json');
    fx.setFaults({ delayMs: 2000 });
    const pending = worker.request(Requests.plan, { configPath: config }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    worker.kill('SIGKILL');
    const err = await pending;
    assert.ok(err instanceof WorkerExitedError, String(err));
    assert.equal(err.exit.signal, 'SIGKILL');
    assert.match(err.message, /was killed by SIGKILL before answering run\/plan/);
  });

  it('the CLI says how its worker died when it dies mid-run', async () => {
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'crashed', split_column: 'ID' }], { batch_size: 20, parallel_threads: 1 }, 'crashed.json');
    fx.setFaults({ delayMs: 300 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    // The first claim comes after the worker registered.
    const claimed = await cli.waitForEvent((e) => e.event === 'chunk/stateChanged');
    const [row] = await fx.query<{ pid: number }>(`SELECT pid FROM migration_status.migration_workers WHERE run_id = $1`, [claimed.runId]);
    process.kill(row!.pid, 'SIGKILL');
    const run = await cli.done;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /the engine worker was killed by SIGKILL before the run finished/);
  });

  it('worker/abort rolls back the chunks in flight at once; the run stays resumable and a resume completes it', async () => {
    worker = startWorker({ ...process.env, ...fx.env });
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'aborted', split_column: 'ID' }], { batch_size: 20, parallel_threads: 2 }, 'aborted.json');
    const changes: Array<[number, string]> = [];
    worker.on(Events.chunkStateChanged, (e) => changes.push([e.chunkId, e.status]));
    const finished = new Promise<{ status: string; rowsLoaded: number }>((resolve) => worker!.on(Events.runFinished, resolve));
    fx.setFaults({ delayMs: 1500 });
    const { runId } = await worker.request(Requests.start, { configPath: config });
    while (!changes.some(([, s]) => s === 'in_progress')) await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    assert.deepEqual(await worker.request(Requests.workerAbort, {}), { runId });
    assert.ok(Date.now() - started < 5000, 'aborting does not wait for the chunks in flight to finish');
    const end = await finished;
    assert.equal(end.status, 'stopped');
    const rows = await fx.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 GROUP BY status ORDER BY status`,
      [runId],
    );
    assert.ok(!rows.some((r) => r.status === 'in_progress'), `nothing left in progress: ${JSON.stringify(rows)}`);
    const rolledBack = changes.filter(([, s]) => s === 'pending').map(([id]) => id);
    assert.ok(rolledBack.length >= 1, 'the rolled-back chunks are announced as pending again');
    const [workerRow] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_workers WHERE run_id = $1`, [runId]);
    assert.equal(workerRow!.status, 'stopped');

    fx.setFaults({ delayMs: 0 });
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [count] = await fx.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT id) AS d FROM aborted.ids');
    assert.deepEqual([Number(count!.n), Number(count!.d)], [200, 200], 'every row once');
  });
});
