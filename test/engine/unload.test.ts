// The unload path's guarantees, end to end through the CLI: a chunk killed between its unload and
// its commit loads once after resume; downloads cut mid-file or refused as expired are retried
// within the attempt; no stage file outlives a completed or abandoned run; `auto` falls back to the
// query path (saying why, once) when unloading is refused, and `unload` does not.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { assertDemoChunksLoadedOnce } from '../support/exactlyOnce';
import { createFixture, stageFiles, type Fixture } from '../support/migration';

const SOURCE = { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' };
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
const ROWS = 4000;
// Without the partition column: a few chunks of whole batches, rather than one per visit day.
const TABLE = { source_table: DEMO_TABLE_SPEC.source_table, target_schema: DEMO_TABLE_SPEC.target_schema, split_column: DEMO_TABLE_SPEC.split_column };

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assertLoadedOnce(fx: Fixture, runId: string): Promise<void> {
  await assertDemoChunksLoadedOnce(fx, runId, ROWS);
  assert.equal(await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS), ROWS);
}

const pathChosen = (e: { event: string; message?: unknown }) => e.event === 'log' && /^extract path: unload/.test(String(e.message));

/** Starts a run whose downloads hang after the unload, and SIGKILLs it once files are staged. */
async function killBetweenUnloadAndCommit(fx: Fixture, config: string): Promise<{ runId: string; staged: string[] }> {
  const cli = fx.startCli(['start', '--config', config, '--json']);
  const runId = String((await cli.waitForEvent((e) => e.event === 'run/started')).runId);
  // After the worker's own check of the unload path, which downloads a file too.
  await cli.waitForEvent(pathChosen);
  fx.setFaults({ holdDownloadsMs: 600_000 });
  await waitFor(async () => (await stageFiles(fx)).length >= 2, 'two unloaded chunks waiting for their download');
  const staged = await stageFiles(fx);
  const [worker] = await fx.query<{ pid: number }>(`SELECT pid FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running'`, [runId]);
  cli.child.kill('SIGKILL');
  process.kill(Number(worker!.pid), 'SIGKILL');
  await cli.done;
  fx.setFaults({ holdDownloadsMs: 0 });
  const [loaded] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM analytics.factvisitcallperformance_cr`);
  assert.ok(Number(loaded!.n) < ROWS, 'killed mid-run');
  return { runId, staged };
}

describe('unload path: exactly once, retries, stage cleanup, fallback', function () {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: ROWS });
  });
  afterEach(async () => fx?.close());

  it('a chunk killed between its unload and its commit loads exactly once after resume, and its files go', async () => {
    const config = await fx.writeConfig([TABLE], { batch_size: 200, parallel_threads: 2, extract_mode: 'unload' });
    const { runId, staged } = await killBetweenUnloadAndCommit(fx, config);
    assert.ok(staged.every((f) => f.includes(runId)), 'files under the run prefix');

    const resumed = await fx.cli(['resume', '--config', config, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    await assertLoadedOnce(fx, runId);
    const retried = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND attempts > 1`, [runId]);
    assert.ok(Number(retried[0]!.n) >= 2, 'the killed chunks were unloaded again in a new attempt');
    assert.deepEqual(await stageFiles(fx), [], 'no stage file is left after the run completes');
  });

  it('a worker leaving a run in progress (SIGTERM) has removed the files of every chunk it committed', async () => {
    const config = await fx.writeConfig([TABLE], { batch_size: 200, parallel_threads: 2, extract_mode: 'unload' });
    const started = await fx.cli(['start', '--config', config, '--detach', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const runId = String(started.events.find((e) => e.event === 'run/started')?.runId);
    // Every emulator answer takes a little while, so the worker is stopped well before the end.
    fx.setFaults({ delayMs: 40 });
    const worker = fx.startCli(['worker', '--run', runId, '--config', config, '--json']);
    const completed = async () => Number((await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'completed'`, [runId]))[0]!.n);
    await waitFor(async () => (await completed()) >= 3, 'three completed chunks');
    worker.child.kill('SIGTERM');
    const left = await worker.done;
    assert.equal(left.events.find((e) => e.event === 'run/finished')?.status, 'in_progress', 'no sweep of the run: it is still open');
    const [inFlight] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'in_progress'`, [runId]);
    assert.equal(inFlight!.n, '0', 'the chunks it held finished');
    assert.ok((await completed()) < ROWS / 200, 'stopped before the end');
    assert.deepEqual(await stageFiles(fx), [], 'each committed chunk removed its own files before the worker left');
  });

  it("a committed chunk whose REMOVE fails says so, and the run's sweep removes its files", async () => {
    // A chunk's prefix (`<run>/<chunk>/`), not the run's sweep (`<run>/`) nor the worker's probe.
    fx.setFaults({ failQueries: [{ pattern: String.raw`^REMOVE \S+/[^/]+/\d+/ `, count: 1, kind: 'sql' }] });
    const config = await fx.writeConfig([TABLE], { batch_size: 1000, parallel_threads: 2, extract_mode: 'unload' });
    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fx.emulator.faults().counters.patternFailures, 1);
    const warned = run.events.filter((e) => e.event === 'log' && /^the stage files of chunk \d+ stay until the run's sweep: /.test(String(e.message)));
    assert.equal(warned.length, 1, JSON.stringify(warned));
    await assertLoadedOnce(fx, String(run.events[0]!.runId));
    assert.deepEqual(await stageFiles(fx), []);
  });

  it('no stage file is left after a run is abandoned', async () => {
    const config = await fx.writeConfig([TABLE], { batch_size: 200, parallel_threads: 2, extract_mode: 'unload' });
    const { staged } = await killBetweenUnloadAndCommit(fx, config);
    assert.ok(staged.length >= 2);
    const abandoned = await fx.cli(['abandon', '--config', config]);
    assert.equal(abandoned.code, 0, abandoned.stderr);
    assert.doesNotMatch(abandoned.stderr, /remain/);
    assert.deepEqual(await stageFiles(fx), []);
  });

  for (const compression of ['gzip', 'none'] as const) it(`resumes downloads cut mid-file and renews expired URLs within the attempt (unload_compression "${compression}")`, async () => {
    const config = await fx.writeConfig([{ ...TABLE, truncate_onstart: true }], { batch_size: 1000, parallel_threads: 2, extract_mode: 'unload', unload_compression: compression });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    await cli.waitForEvent(pathChosen);
    fx.setFaults({ cutDownloadsNext: 3, expireUrlsNext: 2 });
    const run = await cli.done;
    assert.equal(run.code, 0, run.stderr);
    const { counters } = fx.emulator.faults();
    assert.equal(counters.cutDownloads, 3);
    assert.equal(counters.expiredUrls, 2);
    const runId = String(run.events[0]!.runId);
    await assertLoadedOnce(fx, runId);
    const [attempts] = await fx.query<{ max: number }>(`SELECT max(attempts) AS max FROM migration_status.migration_chunk_status WHERE run_id = $1`, [runId]);
    assert.equal(attempts!.max, 1, 'no chunk needed a second attempt: the downloads resumed');
    assert.deepEqual(await stageFiles(fx), []);
  });

  it('auto unloads the chunks of unload_min_rows rows or more, queries the smaller ones, and checks the unload path only when a chunk needs it', async () => {
    // 1000-row chunks of VISIT_ID, and one chunk of the NULL VISIT_IDs (a single row at 4000 rows).
    const mixed = await fx.writeConfig([TABLE], { batch_size: 1000, extract_mode: 'auto', unload_min_rows: 100 });
    const run = await fx.cli(['start', '--config', mixed, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const finished = run.events.find((e) => e.event === 'run/finished')!;
    const byPath = finished.chunksByPath as { unload: number; query: number };
    assert.ok(byPath.unload >= 4, JSON.stringify(byPath));
    assert.equal(byPath.query, 1, 'the NULL-key chunk of one row took the query path');
    const chosen = run.events.filter((e) => e.event === 'log' && /^extract path: /.test(String(e.message)));
    assert.equal(chosen.length, 1);
    assert.match(String(chosen[0]!.message), /^extract path: unload to .* \(chunks below 100 rows, unload_min_rows: query\)$/);
    await assertLoadedOnce(fx, String(run.events[0]!.runId));
    assert.deepEqual(await stageFiles(fx), []);

    // Every chunk below the default 10,000 rows: no stage statement at all (the emulator refusing
    // unloads would show in a log line if the worker had tried one).
    fx.setFaults({ refuseUnloads: true });
    const small = await fx.writeConfig([{ ...TABLE, truncate_onstart: true }], { batch_size: 1000, extract_mode: 'auto' }, 'small.json');
    const queried = await fx.cli(['start', '--config', small, '--json']);
    assert.equal(queried.code, 0, queried.stderr);
    assert.deepEqual(queried.events.find((e) => e.event === 'run/finished')!.chunksByPath, { unload: 0, query: byPath.unload + byPath.query });
    assert.deepEqual(queried.events.filter((e) => e.event === 'log' && /^extract path: /.test(String(e.message))), []);
    await assertLoadedOnce(fx, String(queried.events[0]!.runId));
  });

  it('auto falls back to the query path, saying why once, when unloading is refused; unload does not', async () => {
    fx.setFaults({ refuseUnloads: true });
    const auto = await fx.writeConfig([TABLE], { batch_size: 1000, extract_mode: 'auto', unload_min_rows: 1 });
    const run = await fx.cli(['start', '--config', auto, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const why = run.events.filter((e) => e.event === 'log' && /^extract path: /.test(String(e.message)));
    assert.equal(why.length, 1);
    assert.match(String(why[0]!.message), /^extract path: query, because unloading to @"ANALYTICS"\."PUBLIC"\."THAW_UNLOAD_STAGE" was refused: .*PREVENT_UNLOAD_TO_INTERNAL_STAGES/);
    await assertLoadedOnce(fx, String(run.events[0]!.runId));

    const strict = await fx.writeConfig([{ ...TABLE, truncate_onstart: true }], { batch_size: 1000, extract_mode: 'unload' }, 'strict.json');
    const refused = await fx.cli(['start', '--config', strict, '--json']);
    assert.notEqual(refused.code, 0);
    const messages = refused.events.filter((e) => e.event === 'log').map((e) => String(e.message));
    assert.ok(messages.some((m) => /extract_mode "unload": unloading to .* failed: .*PREVENT_UNLOAD_TO_INTERNAL_STAGES/.test(m)), messages.join('\n'));
  });
});
