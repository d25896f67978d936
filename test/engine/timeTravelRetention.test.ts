// Runs that outlive Time Travel (issue 11, item 5). A run's snapshot is pinned at plan time; the
// source changes after it; the emulator's clock then moves two days on, past the tables' 1-day
// DATA_RETENTION_TIME_IN_DAYS. With a snapshot clone the run resumes and the target equals the
// snapshot; without one, the resume is refused (exit 2) before any chunk runs.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { connect, destroy, execute } from '../emulator/driver';

const ROWS = 1500;
/** One chunk per 100 VISIT_IDs, no partition column: a few chunks, quickly loaded. */
const TABLE = { ...DEMO_TABLE_SPEC, partition_column: undefined };
const TWO_DAYS = 2 * 86_400;
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
/** The source as of the snapshot, copied in DuckDB before the source changes. */
const AS_OF_SNAPSHOT = { schema: 'main', table: 'AS_OF_SNAPSHOT' };
const SOURCE_TABLE = '"ANALYTICS"."PUBLIC"."FACTVISITCALLPERFORMANCE_CR"';

/** Changes the source through Snowflake SQL (so Time Travel keeps the old state): rows updated, deleted, added. */
async function changeSource(fx: Fixture): Promise<void> {
  const conn = await connect(fx.emulator);
  try {
    await execute(conn, `INSERT INTO ${SOURCE_TABLE} SELECT * REPLACE ("VISIT_ID" + 5000000 AS "VISIT_ID") FROM ${SOURCE_TABLE} WHERE "VISIT_ID" IN (1000001, 1000002)`);
    await execute(conn, `UPDATE ${SOURCE_TABLE} SET "CALL_NOTES" = 'changed after the snapshot' WHERE "VISIT_ID" <= 1000100`);
    await execute(conn, `DELETE FROM ${SOURCE_TABLE} WHERE "VISIT_ID" BETWEEN 1001401 AND 5999999`);
    const [changes] = await execute(
      conn,
      `SELECT COUNT_IF("CALL_NOTES" = 'changed after the snapshot') AS "UPDATED", COUNT_IF("VISIT_ID" > 1001400 AND "VISIT_ID" < 6000000) AS "LEFT", COUNT_IF("VISIT_ID" > 6000000) AS "ADDED" FROM ${SOURCE_TABLE}`,
    );
    assert.deepEqual(changes, { UPDATED: 100, LEFT: 0, ADDED: 2 }, 'the source changed after the snapshot');
  } finally {
    await destroy(conn);
  }
}

async function clonesInEmulator(fx: Fixture): Promise<string[]> {
  const rows = await fx.emulator.sql(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%\\_THAW\\_%' ESCAPE '\\' ORDER BY 1`);
  return rows.map((r) => String(r.table_name));
}

async function chunkAttempts(fx: Fixture): Promise<Array<{ chunk_id: number; status: string; attempts: number }>> {
  return fx.query(`SELECT chunk_id, status, attempts FROM migration_status.migration_chunk_status ORDER BY chunk_id`);
}

/**
 * Plans (pinning the snapshot), keeps a copy of the source as of it, changes the source, then
 * starts: the first chunk queries fail for good (max_attempts 1), so the run ends `failed` with
 * chunks left for a resume.
 */
async function planChangeAndFailPart(fx: Fixture, snapshot: 'clone' | 'time_travel') {
  const config = await fx.writeConfig([{ ...TABLE, truncate_onstart: true }], { batch_size: 100, max_attempts: 1, snapshot });
  const plan = await fx.cli(['plan', '--config', config]);
  assert.equal(plan.code, 0, plan.stderr);
  await fx.emulator.sql(`CREATE TABLE ${AS_OF_SNAPSHOT.schema}."${AS_OF_SNAPSHOT.table}" AS SELECT * FROM main."FACTVISITCALLPERFORMANCE_CR"`);
  await changeSource(fx);
  fx.setFaults({ failQueries: [{ pattern: 'AS "ROW" FROM', count: 3, kind: 'sql' }] });
  const start = await fx.cli(['start', '--config', config, '--json']);
  assert.equal(start.code, 1, `the run ends with failed chunks: ${start.stderr}`);
  fx.setFaults({ failQueries: [] });
  const chunks = await chunkAttempts(fx);
  assert.equal(chunks.filter((c) => c.status === 'failed').length, 3);
  assert.ok(chunks.filter((c) => c.status === 'completed').length > 0);
  return { config, plan, runId: String(start.events.find((e) => e.event === 'run/finished')!.runId) };
}

describe('runs that outlive Time Travel', function () {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: ROWS });
  });
  afterEach(async () => fx?.close());

  it('with a snapshot clone, resumes past the retention and the target equals the snapshot; the clone is dropped', async () => {
    const { config, plan, runId } = await planChangeAndFailPart(fx, 'clone');
    assert.match(plan.stdout, /snapshot: every chunk reads a zero-copy clone of its table as of .*, dropped when the run completes or is abandoned/);
    assert.match(plan.stdout, /"snapshot": "clone" in the config; PUBLIC\.FACTVISITCALLPERFORMANCE_CR keeps Time Travel for 1 day/);
    const cloneName = `FACTVISITCALLPERFORMANCE_CR_THAW_${runId.replaceAll('-', '_').toUpperCase()}`;
    assert.match(plan.stdout, new RegExp(`clones: ANALYTICS\\.PUBLIC\\.${cloneName}`));
    assert.deepEqual(await clonesInEmulator(fx), [cloneName]);

    fx.emulator.advanceClock(TWO_DAYS);
    const resumed = await fx.cli(['resume', '--config', config, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.events.find((e) => e.event === 'run/finished')?.status, 'completed');

    await assertTablesEqual(fx, AS_OF_SNAPSHOT, TARGET, DEMO_COLUMNS);
    const changed = await fx.query(
      `SELECT visit_id FROM analytics.factvisitcallperformance_cr WHERE call_notes = 'changed after the snapshot' OR visit_id > 6000000`,
    );
    assert.deepEqual(changed, [], 'rows changed or added at the source after the snapshot are not in the target');
    const [deleted] = await fx.emulator.sql(`SELECT count(*)::INTEGER AS n FROM main."${AS_OF_SNAPSHOT.table}" WHERE "VISIT_ID" BETWEEN 1001401 AND 5999999`);
    const [kept] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM analytics.factvisitcallperformance_cr WHERE visit_id > 1001400`);
    assert.ok(Number(deleted!.n) > 0);
    assert.equal(Number(kept!.n), deleted!.n, 'rows deleted at the source after the snapshot are in the target');
    assert.deepEqual(await clonesInEmulator(fx), [], 'the clone is dropped once the run completes');
  });

  it('without a clone, refuses the resume past the retention with exit 2 before any chunk runs', async () => {
    const { config, plan, runId } = await planChangeAndFailPart(fx, 'time_travel');
    assert.match(plan.stdout, /snapshot: every chunk reads the source as of .* through Time Travel/);
    assert.match(plan.stdout, /a run unfinished by then cannot be resumed \(set "snapshot": "clone" to allow that\)/);
    assert.deepEqual(await clonesInEmulator(fx), []);
    const before = await chunkAttempts(fx);
    const workersBefore = await fx.query(`SELECT worker_id FROM migration_status.migration_workers ORDER BY worker_id`);

    fx.emulator.advanceClock(TWO_DAYS);
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`run ${runId} reads ANALYTICS\\.PUBLIC\\.FACTVISITCALLPERFORMANCE_CR through Time Travel as of .*, 4\\d\\.\\d hours ago`));
    assert.match(resumed.stderr, /keeps Time Travel for 1 day\(s\) \(DATA_RETENTION_TIME_IN_DAYS\)/);
    assert.match(resumed.stderr, new RegExp(`thaw abandon --run ${runId}`));
    assert.match(resumed.stderr, /"snapshot": "clone"/);

    assert.deepEqual(await chunkAttempts(fx), before, 'no chunk was claimed or attempted');
    const [run] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_runs WHERE run_id = $1`, [runId]);
    assert.equal(run!.status, 'failed', 'the run is left as it was');
    const workers = await fx.query(`SELECT worker_id FROM migration_status.migration_workers ORDER BY worker_id`);
    assert.deepEqual(workers, workersBefore, 'no worker joined the run');
  });

  it('without a clone, refuses to start a plan whose snapshot has passed the retention; nothing is attempted', async () => {
    const config = await fx.writeConfig([TABLE], { snapshot: 'time_travel' });
    assert.equal((await fx.cli(['plan', '--config', config])).code, 0);
    fx.emulator.advanceClock(TWO_DAYS);
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 2, start.stderr);
    assert.match(start.stderr, /Snowflake can no longer read that snapshot, so every chunk would fail/);
    const attempted = (await chunkAttempts(fx)).filter((c) => c.attempts > 0 || c.status !== 'pending');
    assert.deepEqual(attempted, []);
  });

  it('without a clone, refuses a worker joining a run whose snapshot has passed the retention; nothing is attempted', async () => {
    const config = await fx.writeConfig([TABLE], { snapshot: 'time_travel' });
    const started = await fx.cli(['start', '--config', config, '--detach']);
    assert.equal(started.code, 0, started.stderr);
    fx.emulator.advanceClock(TWO_DAYS);
    const joined = await fx.cli(['worker', '--config', config]);
    assert.equal(joined.code, 2, joined.stderr);
    assert.match(joined.stderr, /Snowflake can no longer read that snapshot, so every chunk would fail/);
    const attempted = (await chunkAttempts(fx)).filter((c) => c.attempts > 0 || c.status !== 'pending');
    assert.deepEqual(attempted, []);
  });

  it('refuses to plan a snapshot of a table without Time Travel, naming it and the ways out; without a snapshot it loads', async () => {
    const conn = await connect(fx.emulator);
    try {
      await execute(conn, `ALTER TABLE ${SOURCE_TABLE} SET DATA_RETENTION_TIME_IN_DAYS = 0`);
    } finally {
      await destroy(conn);
    }
    for (const snapshot of ['auto', 'clone'] as const) {
      const config = await fx.writeConfig([TABLE], { snapshot });
      const plan = await fx.cli(['plan', '--config', config]);
      assert.equal(plan.code, 2, plan.stderr);
      assert.match(plan.stderr, /source table ANALYTICS\.PUBLIC\.FACTVISITCALLPERFORMANCE_CR keeps no Time Travel \(DATA_RETENTION_TIME_IN_DAYS = 0\)/);
      assert.match(plan.stderr, /SET DATA_RETENTION_TIME_IN_DAYS = 1\), or read it without a snapshot \("consistent_snapshot": false\)/);
      assert.match(plan.stderr, /tables\[0\]/, 'names the table in the config');
    }
    const [status] = await fx.query<{ exists: boolean }>(`SELECT to_regclass('migration_status.migration_runs') IS NOT NULL AS exists`);
    if (status!.exists) assert.deepEqual(await fx.query(`SELECT run_id FROM migration_status.migration_runs`), [], 'no run was written');
    assert.deepEqual(await clonesInEmulator(fx), [], 'no clone was made');
    const config = await fx.writeConfig([TABLE], { consistent_snapshot: false });
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 0, start.stderr);
    const [loaded] = await fx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${TARGET.schema}.${TARGET.table}`);
    assert.equal(loaded!.n, ROWS);
  });

  it('abandoning a planned run drops its clone', async () => {
    const config = await fx.writeConfig([TABLE], { snapshot: 'clone' });
    assert.equal((await fx.cli(['plan', '--config', config])).code, 0);
    assert.equal((await clonesInEmulator(fx)).length, 1);
    const abandoned = await fx.cli(['abandon', '--config', config]);
    assert.equal(abandoned.code, 0, abandoned.stderr);
    assert.deepEqual(await clonesInEmulator(fx), []);
  });
});
