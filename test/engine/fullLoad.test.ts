// A full load through the CLI, as users run it: plan, start, and a target that equals the source
// value for value, edge cases included.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createEdgeCasesTable, EDGE_COLUMNS } from '../support/edgeCases';
import { createFixture, stageFiles, type Fixture } from '../support/migration';

// The same value-for-value checks on both extract paths: rows streamed by chunk queries, and rows
// unloaded to a stage and read back from its files, gzipped or not.
const VARIANTS = [
  { mode: 'query', unload_compression: 'gzip' },
  { mode: 'unload', unload_compression: 'gzip' },
  { mode: 'unload', unload_compression: 'none' },
] as const;
for (const { mode, unload_compression } of VARIANTS) describe(`full load, extract_mode "${mode}"${mode === 'unload' ? `, unload_compression "${unload_compression}"` : ''} (CLI, emulator, PostgreSQL)`, function () {
  let fx: Fixture;

  before(async () => {
    fx = await createFixture({ demoRows: 6000 });
    await createEdgeCasesTable(fx.emulator);
  });
  after(async () => fx?.close());

  it('plans, loads and leaves a target equal to the source, value for value', async () => {
    const config = await fx.writeConfig(
      [DEMO_TABLE_SPEC, { source_table: 'EDGE_CASES', target_schema: 'analytics', split_column: 'ID', primary_key: ['ID'] }],
      { batch_size: 100, extract_mode: mode, unload_compression },
    );

    const plan = await fx.cli(['plan', '--config', config, '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const planned = plan.events.find((e) => e.event === 'run/planned') as unknown as { tables: Array<{ rows: number; chunks: number; nullPartitionChunks: number; nullSplitChunks: number; columns: Array<{ source: string; targetType: string; reason: string }> }> };
    assert.equal(planned.tables[0]!.rows, 6000);
    assert.ok(planned.tables[0]!.nullPartitionChunks >= 1, 'NULL VISIT_DATE rows get a chunk of their own');
    assert.ok(planned.tables[0]!.nullSplitChunks >= 1, 'NULL VISIT_ID rows get a chunk of their own');
    const big = planned.tables[1]!.columns.find((c) => c.source === 'BIG')!;
    assert.equal(big.targetType, 'numeric(38,0)', big.reason);
    const id = planned.tables[1]!.columns.find((c) => c.source === 'ID')!;
    assert.equal(id.targetType, 'bigint', id.reason);

    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.events[0]?.event, 'run/started', 'the run id comes first');
    const finished = run.events.find((e) => e.event === 'run/finished')!;
    assert.equal(finished.status, 'completed');
    assert.equal(finished.rowsLoaded, 6006);
    const path = run.events.filter((e) => e.event === 'log' && /^extract path: /.test(String(e.message)));
    assert.equal(path.length, 1, 'the path is logged once');
    assert.match(String(path[0]!.message), new RegExp(`^extract path: ${mode === 'query' ? 'query' : `unload to .*, ${unload_compression === 'gzip' ? 'gzipped' : 'uncompressed'} files`}`));
    assert.deepEqual(await stageFiles(fx), [], 'no stage file is left');

    assert.equal(await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'analytics', table: 'factvisitcallperformance_cr' }, DEMO_COLUMNS), 6000);
    assert.equal(await assertTablesEqual(fx, { schema: 'main', table: 'EDGE_CASES' }, { schema: 'analytics', table: 'edge_cases' }, EDGE_COLUMNS), 6);
    const text = await fx.query<{ t: string | null }>(`SELECT t FROM analytics.edge_cases WHERE id = 3`);
    assert.equal(text[0]!.t, '\\N', "the text '\\N' stays text");

    const pk = await fx.query(`SELECT 1 FROM pg_constraint WHERE conrelid = 'analytics.edge_cases'::regclass AND contype = 'p'`);
    assert.equal(pk.length, 1, 'the primary key is added after the full load');
  });

  it('splits a heavy day into even chunks and gives NULL partition and split values chunks of their own', async () => {
    const rows = await fx.query<{ partition_value: string | null; partition_is_null: boolean; split_is_null: boolean; rows_expected: string; rows_loaded: string }>(
      `SELECT c.partition_value, c.partition_is_null, c.split_is_null, c.rows_expected, c.rows_loaded
       FROM migration_status.migration_chunk_status c JOIN migration_status.migration_table_status t USING (run_id, table_ordinal)
       WHERE t.source_table = 'FACTVISITCALLPERFORMANCE_CR' AND c.status = 'completed'`,
    );
    const heavy = rows.filter((r) => r.partition_value === '2024-03-15').map((r) => Number(r.rows_expected)).sort((a, b) => b - a);
    assert.ok(heavy.length >= 2, `the heavy day spans several chunks (${heavy.length})`);
    assert.ok(heavy.slice(0, -1).every((n) => n === 100), `full chunks of 100 rows, got ${heavy.join(',')}`);
    assert.ok(rows.some((r) => r.partition_is_null), 'a chunk for NULL VISIT_DATE');
    assert.ok(rows.some((r) => r.split_is_null), 'a chunk for NULL VISIT_ID');
    assert.ok(rows.every((r) => r.rows_loaded === r.rows_expected));
    const nulls = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM analytics.factvisitcallperformance_cr WHERE visit_date IS NULL OR visit_id IS NULL`);
    assert.ok(Number(nulls[0]!.n) >= 2);
  });

  it('refuses a text value holding U+0000, naming table, column and key, and strips it when asked', async () => {
    await fx.emulator.sql(`CREATE TABLE main.NUL_TEXT AS SELECT 1 AS ID, 'ok' AS NOTE UNION ALL SELECT 2, 'bad' || chr(0) || 'value'`);
    const config = await fx.writeConfig([{ source_table: 'NUL_TEXT', target_schema: 'nul', split_column: 'ID' }], { max_attempts: 1, extract_mode: mode, unload_compression }, 'nul.json');
    const refused = await fx.cli(['start', '--config', config]);
    assert.equal(refused.code, 1, refused.stderr);
    const failed = await fx.query<{ last_error: string }>(
      `SELECT last_error FROM migration_status.migration_chunk_status c JOIN migration_status.migration_table_status t USING (run_id, table_ordinal)
       WHERE t.source_table = 'NUL_TEXT' AND c.status = 'failed'`,
    );
    assert.equal(failed.length, 1);
    assert.match(failed[0]!.last_error, /NUL_TEXT/);
    assert.match(failed[0]!.last_error, /NOTE/);
    assert.match(failed[0]!.last_error, /\b2\b/);
    assert.equal((await fx.query(`SELECT * FROM nul.nul_text`)).length, 0, 'nothing of the failed chunk is loaded');

    await fx.cli(['abandon', '--config', config]);
    const strip = await fx.writeConfig([{ source_table: 'NUL_TEXT', target_schema: 'nul', split_column: 'ID', on_nul_character: 'strip' }], { extract_mode: mode, unload_compression }, 'nul.json');
    const stripped = await fx.cli(['start', '--config', strip, '--json']);
    assert.equal(stripped.code, 0, stripped.stderr);
    const values = await fx.query<{ note: string }>(`SELECT note FROM nul.nul_text ORDER BY id`);
    assert.deepEqual(values.map((v) => v.note), ['ok', 'badvalue']);

    // The change to the data is reported: in the status tables, once in the log, and by thaw status.
    const recorded = await fx.query<{ table_rows: string; chunk_rows: string }>(
      `SELECT t.nul_stripped_rows AS table_rows, (SELECT sum(c.nul_stripped_rows) FROM migration_status.migration_chunk_status c
         WHERE c.run_id = t.run_id AND c.table_ordinal = t.table_ordinal) AS chunk_rows
       FROM migration_status.migration_table_status t JOIN migration_status.migration_runs r USING (run_id)
       WHERE t.source_table = 'NUL_TEXT' AND r.status = 'completed'`,
    );
    assert.deepEqual(recorded, [{ table_rows: '1', chunk_rows: '1' }]);
    const logged = stripped.events.filter((e) => e.event === 'log' && /U\+0000 characters stripped/.test(String(e.message)));
    assert.equal(logged.length, 1, 'logged once');
    assert.match(String(logged[0]!.message), /^1 row\(s\)/);
    const status = await fx.cli(['status', '--config', strip]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /NUL_TEXT -> nul\.nul_text: completed.*\n\s+! 1 row\(s\) had U\+0000 characters stripped/);
  });
});
