// What a new user tripped on, trying the CLI from the README alone: each is run through the built
// CLI as a user runs it. Pre-flight refusals write nothing; a failure after writing leaves a
// `failed` run that says how to continue; stored plans block nobody; a truncation is reported;
// commands that only touch PostgreSQL need only its secret.
import assert from 'node:assert/strict';
import { DEMO_TABLE_SPEC } from '../support/demoColumns';
import { runCli } from '../support/cli';
import { createFixture, type Fixture } from '../support/migration';

const TARGET = 'analytics.factvisitcallperformance_cr';

async function schemaExists(fx: Fixture, schema: string): Promise<boolean> {
  const [row] = await fx.query<{ present: boolean }>(`SELECT to_regnamespace($1) IS NOT NULL AS present`, [schema]);
  return row!.present;
}

/** Runs of any config that load into `schema` (none when the status tables do not exist yet). */
async function runsInto(fx: Fixture, schema: string): Promise<Array<{ run_id: string; status: string; error: string | null }>> {
  if (!(await schemaExists(fx, 'migration_status'))) return [];
  return fx.query(
    `SELECT DISTINCT r.run_id, r.status, r.error, r.created_at FROM migration_status.migration_runs r
     JOIN migration_status.migration_table_status t USING (run_id) WHERE t.target_schema = $1 ORDER BY r.created_at`,
    [schema],
  );
}

describe('what a new user tripped on (CLI)', function () {
  let fx: Fixture;
  /** The environment of an operator who holds the PostgreSQL secret only. */
  let postgresOnly: NodeJS.ProcessEnv;
  before(async () => {
    fx = await createFixture({ demoRows: 3000 });
    postgresOnly = { THAW_TEST_PG_PASSWORD: fx.env.THAW_TEST_PG_PASSWORD };
  });
  after(async () => fx?.close());

  it('refuses a column_types name PostgreSQL does not know, at plan and at start, writing nothing', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'typo', column_types: { SCORE: 'doubel precision' } }], {}, 'typo.json');
    for (const command of ['plan', 'start']) {
      const result = await fx.cli([command, '--config', config]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /"doubel precision" is not a type the target PostgreSQL accepts: type "doubel precision" does not exist/);
      assert.match(result.stderr, /did you mean "double precision"\?/);
      assert.match(result.stderr, /tables\[0\]\.column_types\.SCORE/);
      assert.equal(await schemaExists(fx, 'typo'), false, `${command} created no target schema`);
      assert.deepEqual(await runsInto(fx, 'typo'), [], `${command} left no run behind`);
    }
  });

  it('checks a stored plan again at start: a type dropped since `thaw plan` is refused before anything is written', async () => {
    await fx.query(`CREATE DOMAIN public.score_t AS double precision`);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'stored', column_types: { SCORE: 'score_t' } }], {}, 'stored.json');
    const plan = await fx.cli(['plan', '--config', config]);
    assert.equal(plan.code, 0, plan.stderr);
    await fx.query(`DROP DOMAIN public.score_t`);
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 2, start.stderr);
    assert.match(start.stderr, /"score_t" is not a type the target PostgreSQL accepts/);
    assert.equal(await schemaExists(fx, 'stored'), false);
    assert.deepEqual((await runsInto(fx, 'stored')).map((r) => r.status), ['pending'], 'the plan stays as it was, never started');
    assert.equal((await fx.cli(['abandon', '--config', config])).code, 0);
  });

  it('refuses a primary key over a column holding NULLs before loading, at plan and at start', async () => {
    const [nulls] = await fx.emulator.sql(`SELECT count(*) AS n FROM main.FACTVISITCALLPERFORMANCE_CR WHERE VISIT_ID IS NULL`);
    assert.ok(Number(nulls!.n) > 0, 'the demo table has NULL VISIT_IDs');
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'keyed', primary_key: ['VISIT_ID'] }], {}, 'keyed.json');
    for (const command of ['plan', 'start']) {
      const result = await fx.cli([command, '--config', config]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`VISIT_ID holds ${Number(nulls!.n)} NULL value\\(s\\) in ANALYTICS\\.PUBLIC\\.FACTVISITCALLPERFORMANCE_CR`));
      assert.match(result.stderr, /primary key cannot hold NULLs/);
      assert.match(result.stderr, /tables\[0\]\.primary_key/);
      assert.equal(await schemaExists(fx, 'keyed'), false);
      assert.deepEqual(await runsInto(fx, 'keyed'), []);
    }
  });

  it('suggests the table a lower-case or mistyped source_table means', async () => {
    for (const name of ['factvisitcallperformance_cr', 'FACTVISITCALLPERFORMANCE']) {
      const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, source_table: name, target_schema: 'named' }], {}, 'named.json');
      const result = await fx.cli(['plan', '--config', config]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`source_table "${name}": ANALYTICS\\.PUBLIC\\.${name} does not exist`));
      assert.match(result.stderr, /did you mean "FACTVISITCALLPERFORMANCE_CR"\?/);
      assert.deepEqual(await runsInto(fx, 'named'), []);
    }
  });

  it('leaves a run that failed after it was written `failed` with its cause, says how to resume it, and resume finishes it', async () => {
    // A view where the target table should be: the run is written, then CREATE TABLE fails.
    await fx.query(`CREATE SCHEMA blocked; CREATE VIEW blocked.factvisitcallperformance_cr AS SELECT 1 AS x`);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, target_schema: 'blocked' }], {}, 'blocked.json');
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 1, start.stderr);
    const [run] = await runsInto(fx, 'blocked');
    assert.equal(run!.status, 'failed');
    assert.match(run!.error!, /cannot create table "blocked"\."factvisitcallperformance_cr"/);
    assert.match(start.stderr, new RegExp(`continue it with: thaw resume --run ${run!.run_id} --config ${config.replaceAll('.', '\\.')}\\n`));

    const status = await runCli(['status', '--config', config], postgresOnly);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`run ${run!.run_id}: failed — cannot create table`));
    const queued = await runCli(['retry', '--config', config, '--queue-only'], postgresOnly);
    assert.equal(queued.code, 0, queued.stderr);
    assert.match(queued.stdout, /0 chunk\(s\) re-queued/);

    await fx.query(`DROP VIEW blocked.factvisitcallperformance_cr`);
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [count] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM blocked.factvisitcallperformance_cr`);
    assert.equal(count!.n, '3000', 'resume created the table the failed start did not get to, and loaded it');
    assert.deepEqual((await runsInto(fx, 'blocked')).map((r) => [r.status, r.error]), [['completed', null]]);
  });

  it("lets no stored plan block another run, and reports a truncation's rows in the output, the table's record and status", async () => {
    // Few, large chunks: this test is about the start, not the load.
    const loader = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, truncate_onstart: true }], { batch_size: 5000 }, 'loader.json');
    const first = await fx.cli(['start', '--config', loader]);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /truncate_onstart emptied/, 'an empty target is not truncated');

    // Another config (another hash) plans a load into the same table, and nobody starts it.
    const planner = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true }], {}, 'planner.json');
    const plan = await fx.cli(['plan', '--config', planner]);
    assert.equal(plan.code, 0, plan.stderr);

    const second = await fx.cli(['start', '--config', loader]);
    assert.equal(second.code, 0, `the stored plan did not block the truncation: ${second.stderr}`);
    assert.match(second.stderr, new RegExp(`info: truncate_onstart emptied ${TARGET}: 3,000 row\\(s\\) removed`));
    const [table] = await fx.query<{ run_id: string; truncated_rows: string; truncated_at: Date | null }>(
      `SELECT run_id, truncated_rows, truncated_at FROM migration_status.migration_table_status
       WHERE target_schema = 'analytics' AND truncated_at IS NOT NULL`,
    );
    assert.equal(table!.truncated_rows, '3000');
    const [count] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM ${TARGET}`);
    assert.equal(count!.n, '3000', 'emptied, then loaded once');
    const status = await runCli(['status', '--config', loader, '--run', table!.run_id], postgresOnly);
    assert.match(status.stdout, /emptied by truncate_onstart \(3\.0k rows removed\)/);
    assert.equal((await fx.cli(['abandon', '--config', planner])).code, 0);
  });

  it('does not call a run clean whose primary key could not be added after the load, and resume adds it once the data is fixed', async () => {
    await fx.emulator.sql(`CREATE TABLE main.DUPES AS SELECT range % 40 AS ID, 'row ' || range AS NOTE FROM range(100)`);
    const config = await fx.writeConfig([{ source_table: 'DUPES', target_schema: 'dupes', split_column: 'ID', primary_key: ['ID'] }], {}, 'dupes.json');
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 1, 'a run without the key it was to get exits 1');
    const [run] = await runsInto(fx, 'dupes');
    assert.equal(run!.status, 'failed');
    assert.match(run!.error!, /every row loaded, but cannot add the primary key \(id\) to "dupes"\."dupes".*thaw resume" adds the key/);
    assert.match(start.stdout, new RegExp(`run ${run!.run_id} failed: 100 rows`));
    assert.equal(start.stderr.match(/all rows loaded, but cannot add the primary key/g)?.length, 1, `said once: ${start.stderr}`);
    assert.match(start.stderr, new RegExp(`continue it with: thaw resume --run ${run!.run_id}`));
    const status = await runCli(['status', '--config', config], postgresOnly);
    assert.match(status.stdout, /failed — every row loaded, but cannot add the primary key/);
    assert.match(status.stdout, /! no primary key: cannot add the primary key \(id\)/);

    await fx.query(`DELETE FROM dupes.dupes a USING dupes.dupes b WHERE a.id = b.id AND a.ctid > b.ctid`);
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const keys = await fx.query(`SELECT 1 FROM pg_constraint WHERE conrelid = 'dupes.dupes'::regclass AND contype = 'p'`);
    assert.equal(keys.length, 1, 'the key is there');
    assert.deepEqual((await runsInto(fx, 'dupes')).map((r) => [r.status, r.error]), [['completed', null]]);
  });

  it('thaw status gives the rate of the run since it (re)started, no ETA once it stopped, and stopped runs and tables read `stopped`', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, target_schema: 'watched' }], { batch_size: 25, parallel_threads: 2 }, 'watched.json');
    fx.setFaults({ delayMs: 40 });
    try {
      const cli = fx.startCli(['start', '--config', config, '--json']);
      await cli.waitForEvent((e) => e.event === 'run/started');
      const since = Date.now();
      let done = 0;
      await cli.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed' && ++done >= 6);
      const running = await fx.cli(['status', '--config', config, '--json']);
      const elapsed = (Date.now() - since) / 1000;
      const report = running.events.find((e) => e.event === 'run/status') as unknown as { progress: { rowsLoaded: number; rowsPerSecond: number; etaSeconds: number | null } };
      // Measured over the seconds the run has been running, not diluted over a minute it was not.
      const seen = report.progress.rowsLoaded / elapsed;
      assert.ok(report.progress.rowsPerSecond >= 0.5 * seen, `status says ${report.progress.rowsPerSecond} rows/s; the run did at least ${seen.toFixed(0)}`);
      assert.notEqual(report.progress.etaSeconds, null, 'a running run has an ETA');

      assert.equal((await runCli(['stop', '--config', config], postgresOnly)).code, 0);
      const stopped = await cli.done;
      assert.equal(stopped.code, 1);
      const runId = String(stopped.events.find((e) => e.event === 'run/finished')!.runId);
      assert.match(stopped.stderr, new RegExp(`continue it with: thaw resume --run ${runId} --config `));

      const dashboard = await fx.query(`SELECT target_schema, source_table,
         ROUND(completed_chunks::NUMERIC/total_chunks*100,1) || '%' as progress
       FROM migration_status.migration_table_status WHERE status = 'in_progress'`);
      assert.deepEqual(dashboard, [], "the seed's dashboard query no longer lists the stopped run");
      const [table] = await fx.query<{ status: string }>(`SELECT t.status FROM migration_status.migration_table_status t WHERE run_id = $1`, [runId]);
      assert.equal(table!.status, 'stopped');
      assert.deepEqual((await runsInto(fx, 'watched')).map((r) => r.status), ['stopped']);
      const status = await runCli(['status', '--config', config], postgresOnly);
      assert.match(status.stdout, new RegExp(`run ${runId}: stopped`));
      assert.match(status.stdout, /rows \(\d+\.\d%\), not running/);
      assert.match(status.stdout, /-> watched\.factvisitcallperformance_cr: stopped/);
      assert.doesNotMatch(status.stdout, /ETA/, 'no ETA for a run that is not running');
    } finally {
      fx.setFaults({ delayMs: 0 });
    }
    // The resume's final rate is of the rows it loaded itself, not of the run's total.
    const [before] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM watched.factvisitcallperformance_cr`);
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const here = 3000 - Number(before!.n);
    const final = /completed: (\d+) rows in ([\d.]+) s \((\d+) rows\/s; 3000 of 3000 rows of the run loaded\)/.exec(resumed.stdout);
    assert.ok(final, resumed.stdout);
    assert.equal(Number(final[1]), here, 'the rows this resume loaded');
    // The seconds are printed to a tenth: the rate lies between the rows over the longest and the
    // shortest duration that rounds to them.
    const [rate, seconds] = [Number(final[3]), Number(final[2])];
    assert.ok(rate >= Math.floor(here / (seconds + 0.05)) && rate <= Math.ceil(here / (seconds - 0.05)), `rate ${rate} is ${here} rows over ${seconds} s`);
  });

  it('runs status, tune --threads, stop and abandon with the PostgreSQL secret alone; plan still needs the Snowflake one', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'operator' }], {}, 'operator.json');
    const plan = await fx.cli(['plan', '--config', config]);
    assert.equal(plan.code, 0, plan.stderr);
    const [run] = await runsInto(fx, 'operator');

    const status = await runCli(['status', '--config', config], postgresOnly);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`run ${run!.run_id}: pending`));
    const tune = await runCli(['tune', '--config', config, '--threads', '3'], postgresOnly);
    assert.equal(tune.code, 0, tune.stderr);
    assert.match(tune.stdout, /3 threads/);
    const stop = await runCli(['stop', '--config', config], postgresOnly);
    assert.equal(stop.code, 0, stop.stderr);
    const abandon = await runCli(['abandon', '--config', config], postgresOnly);
    assert.equal(abandon.code, 0, abandon.stderr);
    assert.deepEqual((await runsInto(fx, 'operator')).map((r) => r.status), ['abandoned']);

    const needsSource = await runCli(['plan', '--config', config], postgresOnly);
    assert.equal(needsSource.code, 2);
    assert.match(needsSource.stderr, /source\.password: environment variable THAW_TEST_SF_PASSWORD is not set/);
  });
});
