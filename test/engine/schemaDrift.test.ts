// Schema drift, checked before any data moves: a new source column stops the run (exit 2) or is
// added with on_schema_change "add_columns"; a dropped column or an incompatible type always stops
// it, naming the column and both types.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { connect, destroy, execute, type Connection } from '../emulator/driver';

const T = `"ANALYTICS"."PUBLIC"."FACTVISITCALLPERFORMANCE_CR"`;
const ROWS = 1000;

async function targetRows(fx: Fixture): Promise<number> {
  return Number((await fx.query<{ n: string }>(`SELECT count(*) AS n FROM analytics.factvisitcallperformance_cr`))[0]!.n);
}

async function targetColumns(fx: Fixture): Promise<string[]> {
  const rows = await fx.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'factvisitcallperformance_cr' ORDER BY ordinal_position`,
  );
  return rows.map((r) => r.column_name);
}

describe('schema drift', function () {
  // Several CLI runs per test: minutes on a busy two-core machine.
  this.timeout(480_000);
  let fx: Fixture;
  let sf: Connection;
  before(async () => {
    fx = await createFixture({ demoRows: ROWS });
    sf = await connect(fx.emulator);
    const config = await fx.writeConfig([DEMO_TABLE_SPEC]);
    assert.equal((await fx.cli(['start', '--config', config])).code, 0);
  });
  after(async () => {
    await destroy(sf);
    await fx?.close();
  });

  it('stops on a new source column by default, naming it; adds it with on_schema_change "add_columns"', async () => {
    await execute(sf, `ALTER TABLE ${T} ADD COLUMN "VISIT_RANK" INTEGER`);
    await execute(sf, `UPDATE ${T} SET "VISIT_RANK" = "ACCOUNT_ID" % 7`);
    const failing = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true }], {}, 'fail.json');
    const refused = await fx.cli(['start', '--config', failing]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /schema drift.*new source column VISIT_RANK \(NUMBER\(38,0\)\) is not in the target \(it would be visit_rank bigint\).*"on_schema_change": "add_columns"/s);
    assert.equal(await targetRows(fx), ROWS, 'nothing was truncated or loaded');
    assert.ok(!(await targetColumns(fx)).includes('visit_rank'));

    const adding = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true, on_schema_change: 'add_columns' }], {}, 'add.json');
    const added = await fx.cli(['start', '--config', adding]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal((await targetColumns(fx)).at(-1), 'visit_rank');
    await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'analytics', table: 'factvisitcallperformance_cr' }, [
      ...DEMO_COLUMNS,
      { name: 'VISIT_RANK', kind: 'int' },
    ]);
  });

  it('always stops on a column dropped at the source, naming it and both types', async () => {
    await execute(sf, `ALTER TABLE ${T} DROP COLUMN "VISIT_RANK"`);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true, on_schema_change: 'add_columns' }], {}, 'dropped.json');
    const refused = await fx.cli(['start', '--config', config]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /column visit_rank \(bigint in the target\) is no longer in the source \(it was NUMBER\(38,0\) there\)/);
    assert.equal(await targetRows(fx), ROWS);
    await fx.query(`ALTER TABLE analytics.factvisitcallperformance_cr DROP COLUMN visit_rank`);
  });

  it('always stops on a target type that cannot hold the source values, naming the column and both types', async () => {
    await fx.query(`ALTER TABLE analytics.factvisitcallperformance_cr ALTER COLUMN revenue TYPE integer USING 0`);
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, truncate_onstart: true, on_schema_change: 'add_columns' }], {}, 'types.json');
    const refused = await fx.cli(['start', '--config', config]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /column revenue: the source has NUMBER\(18,4\) \(mapped to numeric\(18,4\)\), the target has integer: integer cannot hold numeric\(18,4\) values/);
    assert.equal(await targetRows(fx), ROWS);
  });
});
