// Every statement Thaw sends (test/golden/source-sql/*.sql, binds on the first line) run through
// the real driver against a table holding edge values; chunk queries must yield exact COPY-text lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startEmulator, type Emulator } from '../../src/emulator';
import { connect, destroy, streamQuery, type Connection, type Row } from './driver';
import { createHash } from 'node:crypto';
import { EVERY_TYPE_COLUMNS } from '../golden/sourceSqlCases';
import { sourceCanonicalRow } from '../../src/engine/verify/canonical';

/** An hour after the golden files' snapshot (2024-05-01 12:34:56.789 +00:00). */
const GOLDEN_CLOCK = '2024-05-01T13:34:56.789Z';
const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden', 'source-sql');

function golden(name: string): { sql: string; binds: string[] } {
  const text = readFileSync(join(GOLDEN_DIR, `${name}.sql`), 'utf8');
  const [first, ...rest] = text.split('\n');
  return { binds: JSON.parse(first!.replace(/^-- binds: /, '')) as string[], sql: rest.join('\n').trim() };
}

const COLUMNS = ['ID', 'VISIT_DATE', 'SMALL_INT', 'AMOUNT', 'SCORE', 'NAME', 'ACTIVE', 'START_TIME', 'CREATED_AT', 'UPDATED_AT', 'LOCAL_AT', 'PAYLOAD', 'ATTRS', 'TAGS', 'RAW', 'Odd "Name"'] as const;
const NULL = '\\N';

/** One COPY-text line: the given fields, `\N` for the rest. */
function line(fields: Partial<Record<(typeof COLUMNS)[number], string>>): string {
  return COLUMNS.map((c) => fields[c] ?? NULL).join('\t');
}

// Setup goes straight to DuckDB (no time-travel copies), so reads AT the golden files' 2024
// snapshot see the live table; the emulator's clock is set just after that snapshot, so it lies
// within the table's 1-day Time Travel retention.
const SETUP = `
CREATE TABLE "EVERY_TYPE" ("ID" DECIMAL(38,0), "VISIT_DATE" DATE, "SMALL_INT" INTEGER, "AMOUNT" DECIMAL(12,2), "SCORE" DOUBLE, "NAME" VARCHAR,
  "ACTIVE" BOOLEAN, "START_TIME" TIME, "CREATED_AT" TIMESTAMP_NS, "UPDATED_AT" TIMESTAMPTZ, "LOCAL_AT" VARCHAR, "PAYLOAD" JSON, "ATTRS" JSON,
  "TAGS" JSON, "RAW" BLOB, "Odd ""Name""" VARCHAR);
INSERT INTO _snowflake_types VALUES ('EVERY_TYPE', 'LOCAL_AT', 'TIMESTAMP_TZ'), ('EVERY_TYPE', 'ATTRS', 'OBJECT'), ('EVERY_TYPE', 'TAGS', 'ARRAY');
INSERT INTO "EVERY_TYPE" ("ID", "VISIT_DATE") VALUES (1000, '2024-01-02');
INSERT INTO "EVERY_TYPE" VALUES (1500, '2024-01-02', -2147483648, -9999999999.99, 'NaN', '', true, '00:00:00', '1969-12-31 23:59:59.123456789',
  '1960-06-15 12:00:00', '2024-03-10 12:34:56.123456789 +05:30', '{"a": [1, {"b": null}], "s": "x\\ty"}', '{"k": "v\\\\w"}', '[1, "two", null]',
  '\\xDE\\xAD\\xBE\\xEF\\x00'::BLOB, 'quote " and '' ');
INSERT INTO "EVERY_TYPE" VALUES (1999, '2024-01-02', 2147483647, 0.01, 'Infinity', 'Zürich ☕ 東京 😀', false, '23:59:59.999999', '1900-01-01 00:00:00',
  '2038-01-19 03:14:08', '1960-01-01 00:00:00 -08:00', '"just text"', '{}', '[]', ''::BLOB, NULL);
INSERT INTO "EVERY_TYPE" ("ID", "VISIT_DATE", "SCORE", "NAME") VALUES
  (2000, '2024-01-02', '-Infinity', 'tab' || chr(9) || 'here' || chr(10) || 'new' || chr(13) || chr(92) || 'back' || chr(1));
INSERT INTO "EVERY_TYPE" ("ID", "VISIT_DATE", "AMOUNT", "SCORE") VALUES (123456789012345678901234567890, '2024-01-02', 12.3, 1.5);
INSERT INTO "EVERY_TYPE" ("ID", "VISIT_DATE") VALUES (10, NULL), (NULL, '2024-01-02');
INSERT INTO "EVERY_TYPE" ("ID", "VISIT_DATE", "NAME", "CREATED_AT") VALUES
  (3000, '2024-02-02', 'it''s', '2024-01-02 03:04:05.123456789'),
  (3001, '2024-02-02', 'it''s', '2024-01-02 03:04:05.123456788'),
  (3002, '2024-02-02', 'it''s', '2024-01-03 00:00:00');
`;

const R1000 = line({ ID: '1000', VISIT_DATE: '2024-01-02' });
const R1500 = line({
  ID: '1500', VISIT_DATE: '2024-01-02', SMALL_INT: '-2147483648', AMOUNT: '-9999999999.99', SCORE: 'NaN', NAME: '', ACTIVE: 't',
  START_TIME: '00:00:00.000000', CREATED_AT: '1969-12-31 23:59:59.123456', UPDATED_AT: '1960-06-15 12:00:00.000000 +00:00',
  LOCAL_AT: '2024-03-10 12:34:56.123456 +05:30', PAYLOAD: '{"a":[1,{"b":null}],"s":"x\\\\ty"}', ATTRS: '{"k":"v\\\\\\\\w"}', TAGS: '[1,"two",null]',
  RAW: '\\\\xDEADBEEF00', 'Odd "Name"': `quote " and ' `,
});
const R1999 = line({
  ID: '1999', VISIT_DATE: '2024-01-02', SMALL_INT: '2147483647', AMOUNT: '0.01', SCORE: 'inf', NAME: 'Zürich ☕ 東京 😀', ACTIVE: 'f',
  START_TIME: '23:59:59.999999', CREATED_AT: '1900-01-01 00:00:00.000000', UPDATED_AT: '2038-01-19 03:14:08.000000 +00:00',
  LOCAL_AT: '1960-01-01 00:00:00.000000 -08:00', PAYLOAD: '"just text"', ATTRS: '{}', TAGS: '[]', RAW: '\\\\x',
});
const R2000 = line({ ID: '2000', VISIT_DATE: '2024-01-02', SCORE: '-inf', NAME: 'tab\\there\\nnew\\r\\\\back\u0001' });
const RBIG = line({ ID: '123456789012345678901234567890', VISIT_DATE: '2024-01-02', AMOUNT: '12.30', SCORE: '1.5' });
const R10 = line({ ID: '10' });
const RNULLID = line({ VISIT_DATE: '2024-01-02' });
const R3000 = line({ ID: '3000', VISIT_DATE: '2024-02-02', NAME: "it's", CREATED_AT: '2024-01-02 03:04:05.123456' });
const R3001 = line({ ID: '3001', VISIT_DATE: '2024-02-02', NAME: "it's", CREATED_AT: '2024-01-02 03:04:05.123456' });
const R3002 = line({ ID: '3002', VISIT_DATE: '2024-02-02', NAME: "it's", CREATED_AT: '2024-01-03 00:00:00.000000' });

describe('emulator: the golden Snowflake SQL', function () {
  let emulator: Emulator;
  let conn: Connection;

  before(async () => {
    emulator = await startEmulator({ chunkBytes: 1_000, inlineBytes: 300 });
    emulator.advanceClock((Date.parse(GOLDEN_CLOCK) - Date.now()) / 1000);
    for (const statement of SETUP.split(';\n').filter((s) => s.trim())) await emulator.sql(statement);
    conn = await connect(emulator);
  });

  after(async () => {
    await destroy(conn);
    await emulator.close();
  });

  async function run(name: string): Promise<Row[]> {
    const { sql, binds } = golden(name);
    return (await streamQuery(conn, sql, { binds })).rows;
  }

  async function chunkLines(name: string): Promise<string[]> {
    const rows = await run(name);
    return rows.map((r) => r.ROW as string).sort();
  }

  it('01 source time', async () => {
    const [row] = await run('01-source-time');
    assert.match(String(row!.NOW), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+00:00$/);
  });

  it('02 columns, Snowflake names and types', async () => {
    const rows = await run('02-columns');
    assert.deepEqual(
      rows.map((r) => [r.COLUMN_NAME, r.DATA_TYPE, r.NUMERIC_PRECISION, r.NUMERIC_SCALE, r.DATETIME_PRECISION, r.IS_NULLABLE, r.ORDINAL_POSITION]),
      [
        ['ID', 'NUMBER', 38, 0, null, 'YES', 1],
        ['VISIT_DATE', 'DATE', null, null, null, 'YES', 2],
        ['SMALL_INT', 'NUMBER', 38, 0, null, 'YES', 3],
        ['AMOUNT', 'NUMBER', 12, 2, null, 'YES', 4],
        ['SCORE', 'FLOAT', null, null, null, 'YES', 5],
        ['NAME', 'TEXT', null, null, null, 'YES', 6],
        ['ACTIVE', 'BOOLEAN', null, null, null, 'YES', 7],
        ['START_TIME', 'TIME', null, null, 6, 'YES', 8],
        ['CREATED_AT', 'TIMESTAMP_NTZ', null, null, 9, 'YES', 9],
        ['UPDATED_AT', 'TIMESTAMP_LTZ', null, null, 6, 'YES', 10],
        ['LOCAL_AT', 'TIMESTAMP_TZ', null, null, 9, 'YES', 11],
        ['PAYLOAD', 'VARIANT', null, null, null, 'YES', 12],
        ['ATTRS', 'OBJECT', null, null, null, 'YES', 13],
        ['TAGS', 'ARRAY', null, null, null, 'YES', 14],
        ['RAW', 'BINARY', null, null, null, 'YES', 15],
        ['Odd "Name"', 'TEXT', null, null, null, 'YES', 16],
      ],
    );
  });

  it('03 table row count', async () => {
    assert.deepEqual(await run('03-table-row-count'), [{ ROW_COUNT: 10 }]);
  });

  it('04 integer ranges, exact beyond 2^53', async () => {
    const expected = { MIN_1: '10', MAX_1: '123456789012345678901234567890' };
    assert.deepEqual(await run('04-integer-ranges'), [{ ...expected, MIN_2: '-2147483648', MAX_2: '2147483647' }]);
    assert.deepEqual(await run('04-integer-ranges-no-snapshot'), [expected]);
  });

  it('05 plans: exact boundaries and counts, NULL partitions and NULL splits', async () => {
    const plan = (rows: Row[]) => rows.map((r) => [r.PARTITION_VALUE, r.PARTITION_IS_NULL, r.BUCKET, r.SPLIT_LOW, r.ROW_COUNT]);
    const expected = [
      ['2024-01-02', false, -1, null, 1],
      ['2024-01-02', false, 0, '1000', 5],
      ['2024-02-02', false, 0, '3000', 3],
      [null, true, 0, '10', 1],
    ];
    assert.deepEqual(plan(await run('05-plan')), expected);
    assert.deepEqual(plan(await run('05-plan-no-snapshot')), expected);
    const noPartition = (await run('05-plan-no-partition')).map((r) => [r.BUCKET, r.SPLIT_LOW, r.ROW_COUNT]);
    assert.deepEqual(noPartition, [[-1, null, 1], [0, '10', 9]]);
    const text = (await run('05-plan-text-partition-timestamp-split')).map((r) => [r.PARTITION_VALUE, r.BUCKET, r.SPLIT_LOW, r.ROW_COUNT]);
    assert.deepEqual(text.find((r) => r[0] === "it's"), ["it's", 0, '2024-01-02 03:04:05.123456788', 3]);
    assert.deepEqual(text.find((r) => r[0] === null && r[1] === -1), [null, -1, null, 4]);
  });

  it('06 chunks render every type as COPY text', async () => {
    assert.deepEqual(await chunkLines('06-chunk-first'), [R1000]);
    assert.deepEqual(await chunkLines('06-chunk-middle'), [R1500, R1999].sort());
    assert.deepEqual(await chunkLines('06-chunk-last'), [R2000, RBIG].sort());
    assert.deepEqual(await chunkLines('06-chunk-null-split'), [RNULLID]);
    assert.deepEqual(await chunkLines('06-chunk-null-partition'), [R10]);
    assert.deepEqual(await chunkLines('06-chunk-no-snapshot'), [R1500, R1999].sort());
    assert.deepEqual(await chunkLines('06-chunk-text-partition-timestamp-split'), [R3000]);
    assert.deepEqual(await chunkLines('06-chunk-no-partition-whole'), [R10, R1000, R1500, R1999, R2000, RBIG, R3000, R3001, R3002].sort());
  });

  it('20–23 unload: each line of the unloaded file is the chunk query\'s COPY line, byte for byte; files listed, presigned, removed', async () => {
    const prefix = '20240501-123456-ab12/7/2/';
    assert.deepEqual(await run('20-stage-create'), [{ status: 'Stage area THAW_UNLOAD_STAGE successfully created.' }]);
    await run('20-stage-create');
    assert.deepEqual(await run('21-stage-remove-chunk'), [], 'nothing to remove yet');
    const files = await run('22-unload-chunk');
    assert.equal(files.length, 1);
    assert.deepEqual({ ...files[0], FILE_SIZE: typeof files[0]!.FILE_SIZE }, { FILE_NAME: `${prefix}data_0_0_0.csv.gz`, FILE_SIZE: 'number', ROW_COUNT: 2 });
    const listed = await streamQuery(conn, `LIST @"ANALYTICS"."PUBLIC"."THAW_UNLOAD_STAGE"/20240501-123456-ab12/`);
    assert.deepEqual(listed.rows.map((r) => [r.name, r.size]), [[`thaw_unload_stage/${prefix}data_0_0_0.csv.gz`, files[0]!.FILE_SIZE]]);

    const urls = await run('23-presigned-urls');
    assert.deepEqual(urls.map((u) => u.PATH), [`${prefix}data_0_0_0.csv.gz`, `${prefix}data_0_1_0.csv.gz`]);
    const url = String(urls[0]!.URL);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/__thaw\/stage\/[0-9a-f]+\/data_0_0_0\.csv\.gz$/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    const bytes = gunzipSync(Buffer.from(await response.arrayBuffer()));
    const queried = await run('06-chunk-middle');
    assert.equal(bytes.toString('utf8'), queried.map((r) => `${String(r.ROW)}\n`).join(''), 'the file holds the query path\'s lines');
    assert.deepEqual(bytes.toString('utf8').split('\n').slice(0, -1).sort(), [R1500, R1999].sort());

    const [plain] = await run('22-unload-chunk-uncompressed');
    assert.deepEqual({ ...plain, FILE_SIZE: typeof plain!.FILE_SIZE }, { FILE_NAME: '20240501-123456-ab12/7/3/data_0_0_0.csv', FILE_SIZE: 'number', ROW_COUNT: 2 });
    const plainUrl = await streamQuery(conn, `SELECT GET_PRESIGNED_URL(@"ANALYTICS"."PUBLIC"."THAW_UNLOAD_STAGE", '${String(plain!.FILE_NAME)}', 60) AS "URL"`);
    const plainBytes = Buffer.from(await (await fetch(String(plainUrl.rows[0]!.URL))).arrayBuffer());
    assert.equal(plainBytes.length, plain!.FILE_SIZE);
    assert.deepEqual(plainBytes, bytes, 'COMPRESSION = NONE: the same lines, not gzipped');

    assert.deepEqual((await run('22-unload-probe')).map((r) => r.ROW_COUNT), [1]);
    const removed = await run('21-stage-remove-run');
    assert.equal(removed.length, 3, 'the chunk files (gzipped and not) and the probe file');
    assert.ok(removed.every((r) => r.result === 'removed'));
    assert.deepEqual((await streamQuery(conn, `LIST @"ANALYTICS"."PUBLIC"."THAW_UNLOAD_STAGE"/`)).rows, []);
  });

  it('09 table names of the schema', async () => {
    assert.deepEqual((await run('09-table-names')).map((r) => r.TABLE_NAME), ['EVERY_TYPE']);
  });

  it('10 NULL counts per column', async () => {
    assert.deepEqual(await run('10-null-counts'), [{ NULLS_1: 1, NULLS_2: 1 }]);
  });

  it('05 incremental and repair plans: rows past a watermark; whole partitions with their NULL splits', async () => {
    const plan = (rows: Row[]) => rows.map((r) => [r.PARTITION_VALUE, r.PARTITION_IS_NULL, r.BUCKET, r.SPLIT_LOW, r.ROW_COUNT]);
    assert.deepEqual(plan(await run('05-plan-incremental')), [['2024-02-02', false, 0, '3000', 3]]);
    assert.deepEqual(plan(await run('05-plan-repair-partitions')), [
      ['2024-01-02', false, -1, null, 1],
      ['2024-01-02', false, 0, '1000', 5],
      [null, true, 0, '10', 1],
    ]);
  });

  it('06 an incremental chunk reads only rows at or past the watermark, to the nanosecond', async () => {
    assert.deepEqual(await chunkLines('06-chunk-incremental'), [R3000, R3002].sort());
  });

  it('07 the watermark reached', async () => {
    assert.deepEqual(await run('07-watermark'), [{ WATERMARK: '2024-01-03 00:00:00.000000000' }]);
  });

  it('08 verify checksums: per partition, the sum of MD5_NUMBER_UPPER64 of each canonical row', async () => {
    const rows = (await streamQuery(conn, `SELECT TO_VARCHAR("VISIT_DATE", 'YYYY-MM-DD') AS "P", ${sourceCanonicalRow(EVERY_TYPE_COLUMNS)} AS "R" FROM "ANALYTICS"."PUBLIC"."EVERY_TYPE"`)).rows;
    const text = rows.map((r) => String(r.R));
    // TIMESTAMP_LTZ/TZ as the UTC instant; JSON without spaces, keys sorted; binary as hex.
    assert.ok(
      text.some(
        (t) =>
          t.startsWith('1500\t2024-01-02\t') &&
          t.includes('\t1960-06-15 12:00:00.000000\t2024-03-10 07:04:56.123456\t{"a":[1,{"b":null}],"s":"x\\ty"}\t{"k":"v\\\\w"}\t[1,"two",null]\tDEADBEEF00\t'),
      ),
      text.join('\n'),
    );
    assert.ok(text.some((t) => t.includes('\t1960-01-01 08:00:00.000000\t')), 'a -08:00 offset moves to UTC');
    const expected = new Map<string | null, bigint>();
    rows.forEach((r, i) => {
      const hash = BigInt(`0x${createHash('md5').update(text[i]!, 'utf8').digest('hex').slice(0, 16)}`);
      const key = (r.P as string | null) ?? null;
      expected.set(key, (expected.get(key) ?? 0n) + hash);
    });
    const got = await run('08-verify-checksum');
    assert.deepEqual(
      got.map((r) => [r.PARTITION_VALUE, r.PARTITION_IS_NULL, r.ROW_COUNT, r.CHECKSUM]),
      [
        ['2024-01-02', false, 6, String(expected.get('2024-01-02'))],
        ['2024-02-02', false, 3, String(expected.get('2024-02-02'))],
        [null, true, 1, String(expected.get(null))],
      ],
    );
    const total = [...expected.values()].reduce((a, b) => a + b, 0n);
    assert.deepEqual(await run('08-verify-checksum-no-partition'), [{ ROW_COUNT: 10, CHECKSUM: String(total) }]);
    // The ranges thaw verify cuts the table into: open at both ends, NULL apart; together the whole.
    const measures = async (name: string) => (await run(name)).map((r) => [r.PARTITION_VALUE, r.PARTITION_IS_NULL, r.ROW_COUNT, r.CHECKSUM]);
    assert.deepEqual(await measures('08-verify-checksum-first-range'), [['2024-01-02', false, 6, String(expected.get('2024-01-02'))]]);
    assert.deepEqual(await measures('08-verify-checksum-last-range'), [['2024-02-02', false, 3, String(expected.get('2024-02-02'))]]);
    assert.deepEqual(await measures('08-verify-checksum-null-range'), [[null, true, 1, String(expected.get(null))]]);
  });

  it('11 rows per partition value, in the partition order, NULL left out', async () => {
    assert.deepEqual(await run('11-partition-counts'), [
      { PARTITION_VALUE: '2024-01-02', ROW_COUNT: 6 },
      { PARTITION_VALUE: '2024-02-02', ROW_COUNT: 3 },
    ]);
  });
  it('11-13 retention, snapshot clones: a clone as of the snapshot reads like the table AT it, then is dropped', async () => {
    assert.deepEqual(await run('11-table-retention'), [{ RETENTION_TIME: 1 }]);
    await run('12-create-clone');
    assert.deepEqual(await chunkLines('06-chunk-from-clone'), [R1500, R1999].sort());
    await run('13-drop-clone');
    assert.deepEqual((await run('09-table-names')).map((r) => r.TABLE_NAME), ['EVERY_TYPE'], 'the clone is gone');
    await emulator.sql('CREATE SCHEMA "THAW_SNAPSHOTS"');
    await run('12-create-clone-other-schema');
    const cloned = await emulator.sql(`SELECT count(*)::INTEGER AS n FROM "THAW_SNAPSHOTS"."EVERY_TYPE_THAW_20240501_123456_ABCD"`);
    assert.deepEqual(cloned, [{ n: 10 }], "every row of EVERY_TYPE");
    await emulator.sql('DROP SCHEMA "THAW_SNAPSHOTS" CASCADE');
  });
});
