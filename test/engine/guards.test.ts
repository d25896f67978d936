// What Thaw refuses, and that a refusal writes nothing: invalid configs, unreachable databases,
// truncation on resume or under another open run, loading into a table that already has rows.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { freePort } from '../support/ports';

async function statusSchemaExists(fx: Fixture): Promise<boolean> {
  const [row] = await fx.query<{ present: boolean }>(`SELECT to_regclass('migration_status.migration_runs') IS NOT NULL AS present`);
  return row!.present;
}

async function targetRows(fx: Fixture, table = 'analytics.factvisitcallperformance_cr'): Promise<number> {
  const [row] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row!.n);
}

describe('guards: refusals write nothing', function () {
  let fx: Fixture;
  before(async () => {
    fx = await createFixture({ demoRows: 3000 });
  });
  after(async () => fx?.close());

  it('rejects an invalid config with exit 2, naming the JSON path, before touching any database', async () => {
    const path = join(fx.dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({
        source: { account: 'emu', username: 'u', warehouse: 'w', database: 'A', password: 'hunter2', access_url: fx.emulator.url },
        target: { host: fx.db.host, port: fx.db.port, database: fx.db.database, user: fx.db.user },
        parallel_thread: 4,
        tables: [{ source_table: 'T', target_schema: 's' }],
      }),
    );
    const result = await fx.cli(['start', '--config', path]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /source\.password/);
    assert.match(result.stderr, /\$\{env:/, 'shows how to reference a secret');
    assert.doesNotMatch(result.stderr, /hunter2/, 'never repeats the secret');
    assert.match(result.stderr, /parallel_thread.*did you mean "parallel_threads"/s);
    assert.match(result.stderr, /tables\[0\]\.split_column/);
    assert.equal(await statusSchemaExists(fx), false, 'nothing written');
  });

  it('exits 2 when a database is unreachable at start-up, and writes nothing', async () => {
    const closed = await freePort();
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { target: { host: '127.0.0.1', port: closed, database: 'x', user: 'u', ssl: 'disable' } }, 'unreachable.json');
    const result = await fx.cli(['start', '--config', config]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /PostgreSQL target/);
    assert.equal(await statusSchemaExists(fx), false);
  });

  it('exits 2 when Snowflake is unreachable at start-up, without the password in the message', async () => {
    const closed = await freePort();
    const config = await fx.writeConfig(
      [DEMO_TABLE_SPEC],
      { source: { account: 'emu', username: 'LOADER', warehouse: 'WH', database: 'ANALYTICS', password: '${env:THAW_TEST_SF_PASSWORD}', access_url: `http://127.0.0.1:${closed}` } },
      'no-snowflake.json',
    );
    const result = await fx.cli(['plan', '--config', config]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Snowflake source/);
    assert.doesNotMatch(result.stderr, new RegExp(fx.env.THAW_TEST_SF_PASSWORD!));
    assert.equal(await statusSchemaExists(fx), false);
  });

  it('refuses an upsert into an existing table without a unique key on primary_key, writing nothing', async () => {
    await fx.query(`CREATE SCHEMA keyless; CREATE TABLE keyless.factvisitcallperformance_cr AS SELECT 1::bigint AS visit_id WHERE false`);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, target_schema: 'keyless', insert_only_mode: false, primary_key: ['VISIT_ID'], on_schema_change: 'add_columns' }], {}, 'upsert.json');
    const result = await fx.cli(['start', '--config', config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /keyless\.factvisitcallperformance_cr has no primary key or unique index on \(visit_id\).*ADD PRIMARY KEY \("visit_id"\)/s);
    assert.equal(await statusSchemaExists(fx), false);
    const [columns] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'keyless'`);
    assert.equal(columns!.n, '1', 'no column was added either');
  });

  it('never truncates on resume; refuses to truncate under another open run; guards non-empty targets', async () => {
    // Split without partitions: 30 chunks of 100 rows.
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, truncate_onstart: true }], { batch_size: 100 }, 'first.json');
    fx.setFaults({ delayMs: 30 });
    const first = fx.startCli(['start', '--config', config, '--json']);
    const runId = String((await first.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed')).runId);
    const stop = await fx.cli(['stop', '--config', config]);
    assert.equal(stop.code, 0, stop.stderr);
    const stopped = await first.done;
    assert.equal(stopped.code, 1, 'a stopped run did not finish');
    assert.equal(stopped.events.find((e) => e.event === 'run/finished')?.status, 'stopped');
    fx.setFaults({ delayMs: 0 });
    const loaded = await targetRows(fx);
    assert.ok(loaded > 0 && loaded < 3000, `stopped part way (${loaded} rows)`);

    // Another config (another hash) loading into the same table may not truncate it meanwhile.
    const other = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true }], {}, 'other.json');
    const refused = await fx.cli(['start', '--config', other]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`will not truncate .*run ${runId}`));
    assert.equal(await targetRows(fx), loaded, 'the refused start truncated nothing');

    // The same config may not start a second run while this one is open.
    const again = await fx.cli(['start', '--config', config]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /resume/);

    const resumed = await fx.cli(['resume', '--config', config, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(await targetRows(fx), 3000, 'resume kept the rows loaded before the stop: no truncation');

    // A finished target holds rows: a new run without truncate_onstart is refused unless --append.
    const plain = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined }], { batch_size: 1000 }, 'plain.json');
    const guarded = await fx.cli(['start', '--config', plain]);
    assert.equal(guarded.code, 2);
    assert.match(guarded.stderr, /already holds rows.*truncate_onstart.*--append/s);
    const appended = await fx.cli(['start', '--config', plain, '--append']);
    assert.equal(appended.code, 0, appended.stderr);
    assert.equal(await targetRows(fx), 6000);
  });

  it('refuses to resume a run whose table definitions changed, saying what changed', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, target_schema: 'changed' }], { max_attempts: 1, batch_size: 1000 }, 'changing.json');
    fx.setFaults({ failQueries: [{ pattern: 'AS "ROW" FROM .*FACTVISITCALLPERFORMANCE_CR', count: 1, kind: 'sql' }] });
    const failed = await fx.cli(['start', '--config', config]);
    assert.equal(failed.code, 1);
    const edited = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined, target_schema: 'changed', split_column: 'ACCOUNT_ID' }], { max_attempts: 1, batch_size: 1000 }, 'changing.json');
    const runId = (await fx.query<{ run_id: string }>(`SELECT run_id FROM migration_status.migration_table_status WHERE target_schema = 'changed'`))[0]!.run_id;
    const refused = await fx.cli(['resume', '--config', edited, '--run', runId]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /split_column "VISIT_ID" → "ACCOUNT_ID"/);
  });
});
