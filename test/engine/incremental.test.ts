// Incremental loads: UPSERT on the primary key, only the source rows past MAX(target watermark)
// minus the look-back, rows that did not change left untouched (same xmin), and a run killed
// mid-way resumed to an exact copy. Source changes go through the real driver, so the emulator's
// Time Travel keeps the states earlier snapshots read.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture, type TableSpec } from '../support/migration';
import { connect, destroy, execute, type Connection } from '../emulator/driver';

const SOURCE = { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' };
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
const T = `"ANALYTICS"."PUBLIC"."FACTVISITCALLPERFORMANCE_CR"`;
const ROWS = 3000;

export const UPSERT_SPEC: TableSpec = {
  ...DEMO_TABLE_SPEC,
  insert_only_mode: false,
  primary_key: ['VISIT_ID'],
  source_watermark: 'UPDATED_AT',
  target_watermark: 'updated_at',
  watermark_lookback_seconds: 600,
};

async function xmins(fx: Fixture): Promise<Map<string, string>> {
  const rows = await fx.query<{ visit_id: string; xmin: string }>(`SELECT visit_id::text, xmin::text FROM analytics.factvisitcallperformance_cr`);
  return new Map(rows.map((r) => [r.visit_id, r.xmin]));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('incremental loads (UPSERT on watermarks)', function () {
  // Several CLI runs per test: minutes on a busy two-core machine.
  this.timeout(480_000);
  let fx: Fixture;
  let sf: Connection;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: ROWS });
    sf = await connect(fx.emulator);
    // A primary key holds no NULL: the demo's few NULL VISIT_IDs go.
    await execute(sf, `DELETE FROM ${T} WHERE "VISIT_ID" IS NULL`);
  });
  afterEach(async () => {
    await destroy(sf);
    await fx?.close();
  });

  it('loads only changed and late rows, merges them, and leaves unchanged rows unwritten', async () => {
    const config = await fx.writeConfig([UPSERT_SPEC], { batch_size: 500 });
    const first = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const [full] = await fx.query<{ options: { watermarks: Record<string, { from: string | null; reached: string }> } }>(
      `SELECT options FROM migration_status.migration_runs ORDER BY created_at DESC LIMIT 1`,
    );
    const firstMark = full!.options.watermarks['analytics.factvisitcallperformance_cr']!;
    assert.equal(firstMark.from, null, 'an empty target is a full load');
    assert.match(firstMark.reached, /^2024-06-01 00:49:/, 'reached the highest UPDATED_AT');
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const before = await xmins(fx);

    // Max UPDATED_AT is 2024-06-01 00:49:59 (row 2999). Changes at the source:
    // - updated rows move their watermark past it;
    await execute(sf, `UPDATE ${T} SET "CALL_NOTES" = 'updated', "SCORE" = 42.5, "UPDATED_AT" = '2024-06-01 02:00:00' WHERE "VISIT_ID" % 100 = 7`);
    // - new rows arrive;
    await execute(sf, `INSERT INTO ${T} SELECT "VISIT_ID" + 5000000, "VISIT_DATE", "ACCOUNT_ID", "REP_ID", "TERRITORY_CODE", "CHANNEL", 'new row', "CALL_DURATION_SEC",
      "REVENUE", "COST", "EVENT_SEQUENCE", "SCORE", "IS_COMPLETED", "IS_FOLLOWUP", "VISIT_START_NTZ", "VISIT_END_NTZ", "VISIT_START_TZ", "CREATED_AT_LTZ", "SLOT_TIME",
      "ATTRIBUTES", "PRODUCT_CODES", "LOCATION", "SIGNATURE", "PRIORITY", "REGION_CODE", '2024-06-01 02:00:01' FROM ${T} WHERE "VISIT_ID" % 500 = 3`);
    // - a late row: changed with a watermark inside the look-back window, below the target's max.
    await execute(sf, `UPDATE ${T} SET "REVENUE" = 1234.5678, "UPDATED_AT" = '2024-06-01 00:45:00' WHERE "VISIT_ID" = 1000100`);

    const plan = await fx.cli(['plan', '--config', config]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /watermark: rows with UPDATED_AT >= 2024-06-01 00:39:59\.000000 \(target max 2024-06-01 00:49:59 minus 600 s look-back\); reaches 2024-06-01 02:00:01/);

    const second = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(second.code, 0, second.stderr);
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);

    const [planned] = await fx.query<{ rows: string }>(
      `SELECT sum(total_rows) AS rows FROM migration_status.migration_table_status t JOIN migration_status.migration_runs r USING (run_id)
       WHERE r.run_id = (SELECT run_id FROM migration_status.migration_runs ORDER BY created_at DESC LIMIT 1)`,
    );
    // Rows 0..2999 are one second apart: the look-back window re-reads the last 601 of them, plus
    // the updated, new and late rows; far fewer than the table.
    assert.ok(Number(planned!.rows) < ROWS * 0.5, `an incremental run reads a part of the table (${planned!.rows} rows)`);

    const after = await xmins(fx);
    const changed = new Set(
      (await fx.query<{ visit_id: string }>(`SELECT visit_id::text FROM analytics.factvisitcallperformance_cr WHERE visit_id % 100 = 7 OR visit_id = 1000100`)).map((r) => r.visit_id),
    );
    let unchangedKept = 0;
    for (const [id, xmin] of before) {
      if (changed.has(id)) assert.notEqual(after.get(id), xmin, `row ${id} was updated`);
      else {
        assert.equal(after.get(id), xmin, `row ${id} did not change and was not rewritten`);
        unchangedKept++;
      }
    }
    assert.ok(unchangedKept > 2000);

    const status = await fx.cli(['status', '--config', config]);
    assert.match(status.stdout, /watermark: rows with UPDATED_AT >= 2024-06-01 00:39:59\.000000 .*reaches 2024-06-01 02:00:01/);
  });

  it('picks the latest watermark among duplicate keys of a chunk, and refuses a tie', async () => {
    const config = await fx.writeConfig([{ ...UPSERT_SPEC, watermark_lookback_seconds: 0 }], { batch_size: 5000, max_attempts: 1 });
    assert.equal((await fx.cli(['start', '--config', config])).code, 0);
    // Two source rows with one key: the later watermark wins.
    await execute(sf, `INSERT INTO ${T} SELECT * REPLACE ('older' AS "CALL_NOTES", CAST('2024-06-02 00:00:00' AS TIMESTAMP) AS "UPDATED_AT") FROM ${T} WHERE "VISIT_ID" = 1000010`);
    await execute(sf, `UPDATE ${T} SET "CALL_NOTES" = 'newer', "UPDATED_AT" = '2024-06-03 00:00:00' WHERE "VISIT_ID" = 1000010 AND "CALL_NOTES" <> 'older'`);
    assert.equal((await fx.cli(['start', '--config', config])).code, 0);
    const [row] = await fx.query<{ call_notes: string }>(`SELECT call_notes FROM analytics.factvisitcallperformance_cr WHERE visit_id = 1000010`);
    assert.equal(row!.call_notes, 'newer');

    await execute(sf, `UPDATE ${T} SET "UPDATED_AT" = '2024-06-04 00:00:00' WHERE "VISIT_ID" = 1000010`);
    const tie = await fx.cli(['start', '--config', config]);
    assert.equal(tie.code, 1);
    assert.match(tie.stderr + tie.stdout, /2 source rows of the chunk have primary key \(visit_id=1000010\) and the same updated_at/);
  });

  it('resumes an incremental run killed mid-way: the target equals the source, no key twice', async () => {
    const config = await fx.writeConfig([UPSERT_SPEC], { batch_size: 100, parallel_threads: 2 });
    assert.equal((await fx.cli(['start', '--config', config])).code, 0);
    // Every row changes: the incremental run reads the whole table again, in 30 chunks.
    await execute(sf, `UPDATE ${T} SET "SCORE" = "VISIT_ID" / 7, "UPDATED_AT" = "UPDATED_AT" + INTERVAL '1 day'`);
    fx.setFaults({ delayMs: 40 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    const runId = String((await cli.waitForEvent((e) => e.event === 'run/started')).runId);
    const completed = async () =>
      Number((await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'completed'`, [runId]))[0]!.n);
    await waitFor(async () => (await completed()) >= 4, 'four completed chunks');
    const [worker] = await fx.query<{ pid: number }>(`SELECT pid FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running'`, [runId]);
    cli.child.kill('SIGKILL');
    process.kill(Number(worker!.pid), 'SIGKILL');
    await cli.done;
    const done = await completed();
    assert.ok(done > 0 && done < 30, `killed mid-way (${done} chunks completed)`);

    fx.setFaults({ delayMs: 0 });
    const resumed = await fx.cli(['resume', '--config', config]);
    assert.equal(resumed.code, 0, resumed.stderr);
    await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS);
    const [keys] = await fx.query<{ rows: string; keys: string }>(`SELECT count(*) AS rows, count(DISTINCT visit_id) AS keys FROM analytics.factvisitcallperformance_cr`);
    assert.equal(keys!.rows, keys!.keys);
  });
});
