// Faults from the emulator reach the engine through the real driver: transient ones are retried
// to success, persistent ones fail the chunk with the cause recorded until `thaw retry`. While a
// run goes on, the seed's dashboard query shows its progress, and tunables take effect.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';

const SOURCE = { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' };
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
/** The chunk queries of the day 2023-11-05 (their binds carry the partition value). */
const ONE_DAY = 'AS "ROW" FROM .* -- binds: \\["2023-11-05"';
const SEED_DASHBOARD = `SELECT target_schema, source_table,
       ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' as progress
FROM migration_status.migration_table_status
WHERE status = 'in_progress';`;

describe('faults, retries and monitoring', function () {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: 2000 });
  });
  afterEach(async () => fx?.close());

  it('retries a transient source fault to success', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 5000, max_attempts: 3 });
    fx.setFaults({ failQueries: [{ pattern: ONE_DAY, count: 2, kind: 'sql' }] });
    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fx.emulator.faults().counters.patternFailures, 2, 'the fault fired twice');
    const [chunk] = await fx.query<{ attempts: number; status: string }>(
      `SELECT attempts, status FROM migration_status.migration_chunk_status WHERE partition_value = '2023-11-05'`,
    );
    assert.deepEqual(chunk, { attempts: 3, status: 'completed' });
    const retried = run.events.filter((e) => e.event === 'chunk/stateChanged' && e.status === 'pending');
    assert.equal(retried.length, 2);
    assert.match(String(retried[0]!.error), /000603|injected/i);
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
  });

  it('rides out a flaky source (dropped connections, failed result downloads) without losing or doubling a row', async () => {
    // 1000-row chunks are results big enough to be downloaded in parts, so download faults hit. Result
    // chunks are the query path's (the unload path's faults: test/engine/unload.test.ts).
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined }], { batch_size: 1000, parallel_threads: 2, extract_mode: 'query' });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    await cli.waitForEvent((e) => e.event === 'run/started');
    fx.setFaults({ dropNext: 3, failNextChunks: 2 });
    const run = await cli.done;
    const { counters } = fx.emulator.faults();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([counters.drops, counters.chunkFailures], [3, 2], 'every fault fired');
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
  });

  it('fails a chunk on a persistent fault with its cause recorded; `thaw retry` completes it once the fault is gone', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 5000, max_attempts: 2 });
    fx.setFaults({ failQueries: [{ pattern: ONE_DAY, count: 1000, kind: 'sql' }] });
    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 1, 'a run with a failed chunk exits 1');
    const finished = run.events.find((e) => e.event === 'run/finished')!;
    assert.equal(finished.status, 'failed');
    assert.equal(finished.failedChunks, 1);
    const [chunk] = await fx.query<{ chunk_id: number; status: string; attempts: number; last_error: string; error_code: string }>(
      `SELECT chunk_id, status, attempts, last_error, error_code FROM migration_status.migration_chunk_status WHERE partition_value = '2023-11-05'`,
    );
    assert.equal(chunk!.status, 'failed');
    assert.equal(chunk!.attempts, 2);
    assert.equal(chunk!.error_code, '000603');
    assert.match(chunk!.last_error, /FACTVISITCALLPERFORMANCE_CR/);

    const status = await fx.cli(['status', '--config', config]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`${chunk!.chunk_id}: 2 attempt\\(s\\), \\[000603\\]`));

    fx.setFaults({ failQueries: [] });
    const retry = await fx.cli(['retry', '--config', config, '--chunk', String(chunk!.chunk_id), '--json']);
    assert.equal(retry.code, 0, retry.stderr);
    const changes = retry.events.filter((e) => e.event === 'chunk/stateChanged' && e.chunkId === chunk!.chunk_id).map((e) => [e.status, e.attempts]);
    assert.deepEqual(changes, [['pending', 0], ['in_progress', 1], ['completed', 1]], 'the re-queue is announced like every other change');
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const [run2] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_runs`);
    assert.equal(run2!.status, 'completed');
  });

  it("shows the run's progress in the seed's dashboard query while it runs, and follows thaw tune", async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 5000, parallel_threads: 2 });
    fx.setFaults({ delayMs: 40 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    await cli.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed');

    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [chunks] = await fx.query<{ completed: string; total: string }>(
        `SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) AS total FROM migration_status.migration_chunk_status`,
      );
      const rows = await fx.query<{ target_schema: string; source_table: string; progress: string }>(SEED_DASHBOARD);
      const [after] = await fx.query<{ completed: string }>(
        `SELECT count(*) FILTER (WHERE status = 'completed') AS completed FROM migration_status.migration_chunk_status`,
      );
      if (rows.length === 0) break;
      assert.equal(rows[0]!.target_schema, 'analytics');
      assert.equal(rows[0]!.source_table, 'FACTVISITCALLPERFORMANCE_CR');
      const pct = Number(rows[0]!.progress.replace('%', ''));
      const low = Math.round((1000 * Number(chunks!.completed)) / Number(chunks!.total)) / 10;
      const high = Math.round((1000 * Number(after!.completed)) / Number(chunks!.total)) / 10;
      assert.ok(pct >= low && pct <= high && pct < 100, `${pct}% between ${low}% and ${high}%`);
      seen.push(rows[0]!.progress);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(seen.length >= 1, 'the dashboard showed the run in progress');

    const tune = await fx.cli(['tune', '--config', config, '--threads', '1']);
    assert.equal(tune.code, 0, tune.stderr);
    await cli.waitForEvent((e) => e.event === 'run/progress' && e.threadsDesired === 1 && e.threadsEffective === 1, 30_000);
    fx.setFaults({ delayMs: 0 });
    const done = await cli.done;
    assert.equal(done.code, 0, done.stderr);
    const [table] = await fx.query<{ status: string; progress: string }>(
      `SELECT status, ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' AS progress FROM migration_status.migration_table_status`,
    );
    assert.deepEqual(table, { status: 'completed', progress: '100.0%' });
  });

  it('re-cuts the chunks nobody has claimed yet when the batch size changes mid-run', async () => {
    await fx.emulator.sql(`CREATE TABLE main.SECOND AS SELECT range AS ID, 'row ' || range AS NOTE FROM range(1000)`);
    const config = await fx.writeConfig(
      [
        { ...DEMO_TABLE_SPEC, partition_column: undefined },
        { source_table: 'SECOND', target_schema: 'analytics', split_column: 'ID' },
      ],
      { batch_size: 100, parallel_threads: 1 },
    );
    fx.setFaults({ delayMs: 60 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    const runId = String((await cli.waitForEvent((e) => e.event === 'run/started')).runId);
    let done = 0;
    await cli.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed' && ++done >= 2);
    const tune = await fx.cli(['tune', '--config', config, '--batch-size', '250', '--json']);
    assert.equal(tune.code, 0, tune.stderr);
    const tuned = tune.events.find((e) => e.event === 'run/tuned')!;
    assert.equal(tuned.batchSize, 250);
    fx.setFaults({ delayMs: 0 });
    assert.equal((await cli.done).code, 0);

    const chunks = await fx.query<{ chunk_id: number; source_table: string; rows_expected: string; rows_loaded: string; split_is_null: boolean }>(
      `SELECT c.chunk_id, t.source_table, c.rows_expected, c.rows_loaded, c.split_is_null FROM migration_status.migration_chunk_status c
       JOIN migration_status.migration_table_status t USING (run_id, table_ordinal) WHERE run_id = $1 ORDER BY c.chunk_id`,
      [runId],
    );
    const fact = chunks.filter((c) => c.source_table === 'FACTVISITCALLPERFORMANCE_CR' && !c.split_is_null).map((c) => Number(c.rows_expected));
    assert.ok(fact.includes(100), 'chunks claimed before the change keep their size');
    assert.ok(fact.includes(250), 'chunks not claimed yet were cut again with the new size');
    // The first plan had 21 + 4 chunks; every re-cut chunk got a new id after those.
    assert.equal(tuned.replannedChunks, chunks.filter((c) => c.chunk_id > 25).length);
    const second = chunks.filter((c) => c.source_table === 'SECOND').map((c) => Number(c.rows_expected));
    assert.deepEqual(second, [250, 250, 250, 250], 'a table not started yet is cut again whole');
    assert.ok(chunks.every((c) => c.rows_loaded === c.rows_expected));
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const [t] = await fx.query<{ total_chunks: number; completed_chunks: number; total_rows: string }>(
      `SELECT total_chunks, completed_chunks, total_rows FROM migration_status.migration_table_status WHERE run_id = $1 AND source_table = 'FACTVISITCALLPERFORMANCE_CR'`,
      [runId],
    );
    assert.deepEqual([t!.completed_chunks, t!.total_rows], [t!.total_chunks, '2000'], 'the table counters follow the new cut');
  });

  it('lowers its threads before max_worker_memory_mb and says so', async () => {
    // 128 MB is below what a worker with the driver loaded needs: the guard must step in.
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 5000, parallel_threads: 4, max_worker_memory_mb: 128 });
    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const lowered = run.events.filter((e) => e.event === 'worker/memory' && e.action === 'lowered');
    assert.ok(lowered.length >= 1, 'the worker reported lowering its threads');
    assert.ok(lowered.every((e) => Number(e.rssMb) >= 0.85 * 128));
    assert.ok(run.events.some((e) => e.event === 'run/progress' && Number(e.threadsEffective) < 4));
  });
});
