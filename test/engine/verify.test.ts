// `thaw verify`: the canonical row texts agree value for value between Snowflake (the emulator)
// and PostgreSQL on every column of the demo's edge-case data; a good copy verifies equal (exit 0);
// a target row altered, deleted or duplicated, or a row deleted at the source, names its
// partition (exit 1); --repair reloads those partitions and a second verify is equal.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { connect, destroy, execute, type Connection } from '../emulator/driver';
import { sourceCanonicalRow, targetCanonicalRow } from '../../src/engine/verify/canonical';
import type { SourceColumn } from '../../src/engine/types/model';
import type { ColumnMapping } from '../../src/engine/types/model';

const T = `"ANALYTICS"."PUBLIC"."FACTVISITCALLPERFORMANCE_CR"`;
const ROWS = 4000;

// JSON edge cases, one row each (ATTRIBUTES VARIANT, PRODUCT_CODES ARRAY, LOCATION OBJECT), put
// straight into DuckDB as Snowflake stores them (sf_sorted_json, what PARSE_JSON does): written
// with keys out of order at every depth, keys whose length order differs from
// their byte order ("b" < "aa" in jsonb, "aa" < "b" sorted), integer-like keys, upper before lower
// case, non-ASCII keys, escapes, control characters, U+2028, emoji, empty containers, JSON null,
// scalars at the top, numbers with trailing zeros, big integers, negative fractions.
const EDGE_JSON: ReadonlyArray<[attributes: string, productCodes: string, location: string]> = [
  ['{"b":1,"aa":2,"10":3,"9":4,"é":5,"z":{"y":[{"b":null,"a":true}],"x":"tab\\there \\"q\\" back\\\\slash"}}', '[{"b":2,"a":1},"x",[3,2,1],null]', '{"lon":-0.5,"lat":1.25,"Lat":0}'],
  ['"text with \\u0001 control, \u2028 separator and 😀"', '[]', '{}'],
  ['{"empty":{},"list":[],"null":null,"d":12.30,"n":-0.5,"big":12345678901234567890123}', '[{"k":{"z":1,"a":[{"y":2,"x":1}]}}]', '{"ключ":"значение","key":"v"}'],
  ['true', '["P1"]', '{"a":{"c":3,"b":2}}'],
  ['12345678901234567890123', '[1.50,-2,0]', '{"b":"\\n","a":"\\\\N"}'],
];
const EDGE_ROWS = EDGE_JSON.length;
const stored = (json: string) => `sf_sorted_json('${json.replaceAll("'", "''")}')`;

async function visitDate(fx: Fixture, visitId: number): Promise<string> {
  const [row] = await fx.query<{ d: string }>(`SELECT to_char(visit_date, 'YYYY-MM-DD') AS d FROM analytics.factvisitcallperformance_cr WHERE visit_id = $1`, [visitId]);
  return row!.d;
}

describe('thaw verify', function () {
  // Several CLI runs per test: minutes on a busy two-core machine.
  this.timeout(480_000);
  let fx: Fixture;
  let sf: Connection;
  let config: string;
  before(async () => {
    fx = await createFixture({ demoRows: ROWS });
    for (const [i, [attributes, productCodes, location]] of EDGE_JSON.entries()) {
      await fx.emulator.sql(
        `INSERT INTO main."FACTVISITCALLPERFORMANCE_CR" ("VISIT_ID", "VISIT_DATE", "ACCOUNT_ID", "ATTRIBUTES", "PRODUCT_CODES", "LOCATION", "UPDATED_AT")
         VALUES (${2_000_000 + i}, DATE '2023-11-02', 1, ${stored(attributes)}, ${stored(productCodes)}, ${stored(location)}, TIMESTAMP '2031-01-01 00:00:0${i}')`,
      );
    }
    sf = await connect(fx.emulator);
    config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 500 });
    const loaded = await fx.cli(['start', '--config', config]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });
  after(async () => {
    if (sf) await destroy(sf);
    await fx?.close();
  });

  it('renders every row to the same canonical text on both sides, column by column', async () => {
    const [table] = await fx.query<{ column_mappings: ColumnMapping[] }>(`SELECT column_mappings FROM migration_status.migration_table_status LIMIT 1`);
    const mappings = table!.column_mappings;
    const columns: SourceColumn[] = mappings.map((m) => m.source);
    const source = await execute(sf, `SELECT TO_VARCHAR("UPDATED_AT", 'YYYY-MM-DD HH24:MI:SS') AS "K", ${sourceCanonicalRow(columns)} AS "R" FROM ${T}`);
    const target = await fx.query<{ k: string; r: string }>(
      `SELECT to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') AS k, ${targetCanonicalRow(mappings, 'migration_status')} AS r FROM analytics.factvisitcallperformance_cr`,
    );
    assert.equal(source.length, ROWS + EDGE_ROWS);
    const targetByKey = new Map(target.map((r) => [r.k, r.r]));
    const differing = new Map<string, string>();
    for (const row of source) {
      const want = String(row.R).split('\t');
      const got = (targetByKey.get(String(row.K)) ?? '').split('\t');
      want.forEach((field, i) => {
        if (got[i] !== field && !differing.has(columns[i]!.name)) differing.set(columns[i]!.name, `source ${JSON.stringify(field)}, target ${JSON.stringify(got[i])}`);
      });
    }
    assert.deepEqual([...differing], [], 'every column renders the same text on both sides');
    // The edge cases are there: NaN and ±Infinity, NULLs, escaped text, offsets, binary.
    const all = source.map((r) => String(r.R)).join('\n');
    for (const needle of ['\tNaN\t', '\tinf\t', '\t-inf\t', '\\N', '\\t', '\\n', '\\\\', '☕', '00FF\t']) assert.ok(all.includes(needle), `covers ${JSON.stringify(needle)}`);
    // JSON: the whole value is compared, keys sorted by bytes at every depth, no spaces.
    for (const needle of [
      '{"10":3,"9":4,"aa":2,"b":1,"z":{"x":"tab\\there \\"q\\" back\\\\slash","y":[{"a":true,"b":null}]},"é":5}',
      '\t{"Lat":0,"lat":1.25,"lon":-0.5}\t',
      '"text with \\u0001 control, \u2028 separator and 😀"',
      '{"big":12345678901234567890123,"d":12.3,"empty":{},"list":[],"n":-0.5,"null":null}',
      '[{"k":{"a":[{"x":1,"y":2}],"z":1}}]',
      '\t{}\t',
      '\t[]\t',
    ]) {
      assert.ok(all.includes(needle), `covers ${needle}`);
    }
  });

  it('measures each side in ranges over several connections, streaming each range as it ends', async () => {
    const result = await fx.cli(['verify', '--config', config, '--json']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; side?: string; done?: number; total?: number; equal?: boolean });
    for (const side of ['source', 'target']) {
      const progress = events.filter((e) => e.event === 'verify/progress' && e.side === side);
      const total = progress[0]?.total ?? 0;
      // parallel_threads 4: up to four ranges per thread of partition values (+ NULL), up to two per thread of heap blocks.
      assert.ok(total > 1, `${side}: ${total} ranges`);
      assert.deepEqual(progress.map((e) => e.done), Array.from({ length: total }, (_, i) => i + 1), `${side}: one event per range`);
    }
    assert.equal(events.at(-1)?.event, 'verify/result');
    assert.equal(events.at(-1)?.equal, true);
  });

  it('reports a good copy equal (exit 0) and stores the result', async () => {
    const result = await fx.cli(['verify', '--config', config]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /FACTVISITCALLPERFORMANCE_CR -> analytics\.factvisitcallperformance_cr: 20\d partition\(s\), 4\.0k source rows: equal/);
    assert.doesNotMatch(result.stdout, /not in the checksum/, 'every column is compared by value');
    const [stored] = await fx.query<{ equal: boolean; partitions: string }>(
      `SELECT v.equal, (SELECT count(*) FROM migration_status.migration_verify_partitions p WHERE p.verify_id = v.verify_id) AS partitions
       FROM migration_status.migration_verifications v ORDER BY started_at DESC LIMIT 1`,
    );
    assert.equal(stored!.equal, true);
    assert.ok(Number(stored!.partitions) > 200);
  });

  it('names the partitions of an altered, a deleted and a duplicated target row and of a row deleted at the source (exit 1); --repair fixes them', async () => {
    const altered = await visitDate(fx, 1000100);
    const deleted = await visitDate(fx, 1000200);
    const duplicated = await visitDate(fx, 1000300);
    const goneAtSource = await visitDate(fx, 1000400);
    assert.equal(new Set([altered, deleted, duplicated, goneAtSource]).size, 4, 'four different days');
    await fx.query(`UPDATE analytics.factvisitcallperformance_cr SET score = score + 1 WHERE visit_id = 1000100`);
    await fx.query(`DELETE FROM analytics.factvisitcallperformance_cr WHERE visit_id = 1000200`);
    await fx.query(`INSERT INTO analytics.factvisitcallperformance_cr SELECT * FROM analytics.factvisitcallperformance_cr WHERE visit_id = 1000300`);
    await execute(sf, `DELETE FROM ${T} WHERE "VISIT_ID" = 1000400`);

    const found = await fx.cli(['verify', '--config', config]);
    assert.equal(found.code, 1, found.stdout + found.stderr);
    assert.match(found.stdout, /4 partition\(s\) differ/);
    assert.match(found.stdout, new RegExp(`VISIT_DATE ${altered}: \\d+ rows on both sides, checksums differ`));
    assert.match(found.stdout, new RegExp(`VISIT_DATE ${deleted}: source (\\d+) rows, target (\\d+)`));
    assert.match(found.stdout, new RegExp(`VISIT_DATE ${duplicated}: source \\d+ rows, target \\d+`));
    assert.match(found.stdout, new RegExp(`VISIT_DATE ${goneAtSource}: source \\d+ rows, target \\d+`));
    assert.match(found.stdout, /NOT equal/);

    const repaired = await fx.cli(['verify', '--config', config, '--repair']);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.match(repaired.stdout, /repairing in run (\S+)/);
    const runId = /repairing in run (\S+)/.exec(repaired.stdout)![1]!;
    const [chunks] = await fx.query<{ partitions: string; loaded: string; expected: string; completed: string; total: string }>(
      `SELECT count(DISTINCT partition_value) AS partitions, sum(rows_loaded) AS loaded, sum(rows_expected) AS expected,
              count(*) FILTER (WHERE status = 'completed') AS completed, count(*) AS total
       FROM migration_status.migration_chunk_status WHERE run_id = $1`,
      [runId],
    );
    assert.equal(chunks!.partitions, '4', 'the repair reloads only the four partitions');
    assert.equal(chunks!.completed, chunks!.total);
    assert.equal(chunks!.loaded, chunks!.expected, 'each chunk loaded once, its planned rows');

    const again = await fx.cli(['verify', '--config', config]);
    assert.equal(again.code, 0, again.stdout);
    await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'analytics', table: 'factvisitcallperformance_cr' }, DEMO_COLUMNS);
  });

  it('checksums only the columns of verify.columns (a changed JSON value counts with every column), and names a column that does not exist', async () => {
    const subset = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, verify: { columns: ['SCORE', 'VISIT_ID'] } }], { batch_size: 500 }, 'subset.json');
    const outside = await visitDate(fx, 1000500);
    await fx.query(`UPDATE analytics.factvisitcallperformance_cr SET region_code = 'XX' WHERE visit_id = 1000500`);
    // A value deep inside a JSON column counts too (with every column).
    const [json] = await fx.query<{ visit_id: string }>(
      `SELECT visit_id FROM analytics.factvisitcallperformance_cr WHERE attributes IS NOT NULL AND visit_date <> $1::date ORDER BY visit_id LIMIT 1`,
      [outside],
    );
    const insideJson = await visitDate(fx, Number(json!.visit_id));
    await fx.query(`UPDATE analytics.factvisitcallperformance_cr SET attributes = jsonb_set(attributes, '{detail,survey}', '"changed"') WHERE visit_id = $1`, [json!.visit_id]);
    const blind = await fx.cli(['verify', '--config', subset]);
    assert.equal(blind.code, 0, blind.stdout + blind.stderr);
    assert.match(blind.stdout, /checksum over 2 column\(s\) \(verify\.columns\): VISIT_ID, SCORE/);
    const everyColumn = await fx.cli(['verify', '--config', config]);
    assert.equal(everyColumn.code, 1, everyColumn.stdout);
    assert.match(everyColumn.stdout, new RegExp(`VISIT_DATE ${outside}: \\d+ rows on both sides, checksums differ`));
    assert.match(everyColumn.stdout, new RegExp(`VISIT_DATE ${insideJson}: \\d+ rows on both sides, checksums differ`));

    const inside = await visitDate(fx, 1000600);
    await fx.query(`UPDATE analytics.factvisitcallperformance_cr SET score = score + 1 WHERE visit_id = 1000600`);
    const seen = await fx.cli(['verify', '--config', subset]);
    assert.equal(seen.code, 1, seen.stdout);
    assert.match(seen.stdout, new RegExp(`VISIT_DATE ${inside}: \\d+ rows on both sides, checksums differ`));
    assert.doesNotMatch(seen.stdout, new RegExp(`VISIT_DATE ${outside}:`));

    const typo = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, verify: { columns: ['SCOR'] } }], {}, 'typo.json');
    const refused = await fx.cli(['verify', '--config', typo]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /verify\.columns "SCOR" is not a column of .*FACTVISITCALLPERFORMANCE_CR \(did you mean "SCORE"\?\)/);
  });
});
