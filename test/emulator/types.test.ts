import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { connect, destroy, execute, rawQuery, streamQuery, type Connection, type Row } from './driver';

// A table created and filled through the driver in Snowflake SQL; one row per edge case, then
// enough filler rows (array binds) that the result needs several chunks.
const CREATE = `CREATE TABLE "EDGE" (
  "ID" NUMBER(38,0), "BIG" NUMBER(38,0), "DEC" NUMBER(18,4), "F" FLOAT, "T" TEXT, "B" BOOLEAN, "D" DATE,
  "TM" TIME, "NTZ" TIMESTAMP_NTZ(9), "LTZ" TIMESTAMP_LTZ, "TZ" TIMESTAMP_TZ, "V" VARIANT, "O" OBJECT, "A" ARRAY, "BIN" BINARY)`;
const INSERT = `INSERT INTO "EDGE" SELECT CAST(? AS NUMBER(38,0)), CAST(? AS NUMBER(38,0)), CAST(? AS NUMBER(18,4)), CAST(? AS FLOAT),
  CAST(? AS TEXT), CAST(? AS BOOLEAN), CAST(? AS DATE), CAST(? AS TIME), CAST(? AS TIMESTAMP_NTZ(9)), CAST(? AS TIMESTAMP_LTZ),
  ?, PARSE_JSON(?), PARSE_JSON(?), PARSE_JSON(?), TO_BINARY(?)`;

// The driver hands out big-integer objects; their text is exact.
const asBigInt = (v: unknown) => BigInt(String(v));

const CONTROL = `tab\there\nnew\r\\back\u0001"q'`;
const EDGE_ROWS: Array<Array<string | null>> = [
  ['1', null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  ['2', '123456789012345678901234567890', '-12345678901234.5678', 'NaN', '', 'true', '1969-12-31', '00:00:00', '1969-12-31 23:59:59.123456789',
    '1960-06-15 12:00:00', '2024-03-10 12:34:56.123456789 +05:30', '{"a":[1,{"b":null}],"s":"x\\ty"}', '{"k":"v"}', '[1,"two",null]', 'DEADBEEF00'],
  ['3', '-99999999999999999999999999999999999999', '0.0001', 'Infinity', 'Zürich ☕ 東京 😀', 'false', '1900-01-01', '23:59:59.999999', '1900-01-01 00:00:00',
    '2038-01-19 03:14:08', '1960-01-01 00:00:00 -08:00', '"just text"', '{}', '[]', ''],
  ['4', '9007199254740993', '99999999999999.9999', '-Infinity', CONTROL, null, '2024-02-29', '12:00:00.5', '2262-04-11 23:47:16', '1970-01-01 00:00:00',
    '2024-01-01 00:00:00 +14:00', '[{"deep":{"deeper":[true,false]}}]', '{"n":{"m":1}}', '[[1],[2,[3]]]', '00'],
];

describe('emulator: value types through the real driver', function () {
  let emulator: Emulator;
  let conn: Connection;

  before(async () => {
    emulator = await startEmulator({ chunkBytes: 2_000, inlineBytes: 1_000 });
    conn = await connect(emulator);
    await execute(conn, CREATE);
    for (const row of EDGE_ROWS) await execute(conn, INSERT, row);
    const ids = Array.from({ length: 100 }, (_, i) => String(100 + i));
    await new Promise<void>((resolve, reject) =>
      conn.execute({
        sqlText: `INSERT INTO "EDGE" ("ID", "T") VALUES (?, ?)`,
        binds: ids.map((id) => [id, `filler ${id}`]),
        complete: (err) => (err ? reject(err) : resolve()),
      }),
    );
  });

  after(async () => {
    await destroy(conn);
    await emulator.close();
  });

  it('streams a multi-chunk result with every type at its edges', async () => {
    // jsTreatIntegerAsBigInt is a connection option: the driver sends it as a session parameter
    // and reads it back from each result's parameters.
    const bigintConn = await connect(emulator, { jsTreatIntegerAsBigInt: true });
    const { rows, statement } = await streamQuery(bigintConn, `SELECT * FROM "EMU"."PUBLIC"."EDGE" ORDER BY "ID"`).finally(() => destroy(bigintConn));
    assert.equal(rows.length, 104);
    const types = Object.fromEntries((statement.getColumns() ?? []).map((c) => [c.getName(), c.getType()]));
    assert.deepEqual(types, {
      ID: 'fixed', BIG: 'fixed', DEC: 'fixed', F: 'real', T: 'text', B: 'boolean', D: 'date', TM: 'time', NTZ: 'timestamp_ntz',
      LTZ: 'timestamp_ltz', TZ: 'timestamp_tz', V: 'variant', O: 'object', A: 'array', BIN: 'binary',
    });
    const [nulls, r2, r3, r4] = rows as [Row, Row, Row, Row];
    // TIME values reach JS as formatted strings, and the driver renders a NULL one as 'NULL'
    // (its representNullAsStringNull default); every other NULL is null.
    for (const [name, value] of Object.entries(nulls)) if (name !== 'ID') assert.equal(value, name === 'TM' ? 'NULL' : null, `${name} of the NULL row`);
    assert.equal(asBigInt(nulls.ID), 1n);

    assert.equal(asBigInt(r2.BIG), 123456789012345678901234567890n);
    assert.equal(asBigInt(r3.BIG), -99999999999999999999999999999999999999n);
    assert.equal(asBigInt(r4.BIG), 9007199254740993n);
    assert.equal(r2.DEC, -12345678901234.5678);
    assert.ok(Number.isNaN(r2.F));
    assert.equal(r3.F, Infinity);
    assert.equal(r4.F, -Infinity);
    assert.equal(r2.T, '');
    assert.equal(r3.T, 'Zürich ☕ 東京 😀');
    assert.equal(r4.T, CONTROL);
    assert.equal(r2.B, true);
    assert.equal(r3.B, false);
    assert.equal(r4.B, null);
    assert.equal((r2.D as Date).getTime(), Date.UTC(1969, 11, 31));
    assert.equal((r3.D as Date).getTime(), Date.UTC(1900, 0, 1));
    assert.equal(r2.TM, '00:00:00');
    assert.equal(r3.TM, '23:59:59');
    assert.equal((r2.NTZ as Date).getTime(), Date.UTC(1969, 11, 31, 23, 59, 59, 123));
    assert.equal((r2.NTZ as unknown as { getNanoSeconds(): number }).getNanoSeconds(), 123456789);
    assert.equal((r3.NTZ as Date).getTime(), Date.UTC(1900, 0, 1));
    assert.equal((r4.NTZ as Date).getTime(), Date.UTC(2262, 3, 11, 23, 47, 16));
    assert.equal((r2.LTZ as Date).getTime(), Date.UTC(1960, 5, 15, 12));
    assert.equal((r3.LTZ as Date).getTime(), Date.UTC(2038, 0, 19, 3, 14, 8));
    assert.equal((r2.TZ as Date).getTime(), Date.UTC(2024, 2, 10, 7, 4, 56, 123));
    assert.equal((r3.TZ as Date).getTime(), Date.UTC(1960, 0, 1, 8));
    assert.equal((r4.TZ as Date).getTime(), Date.UTC(2023, 11, 31, 10));
    assert.deepEqual(r2.V, { a: [1, { b: null }], s: 'x\ty' });
    assert.equal(r3.V, 'just text');
    assert.deepEqual(r4.V, [{ deep: { deeper: [true, false] } }]);
    assert.deepEqual(r2.O, { k: 'v' });
    assert.deepEqual(r4.O, { n: { m: 1 } });
    assert.deepEqual(r2.A, [1, 'two', null]);
    assert.deepEqual(r3.A, []);
    assert.deepEqual(r4.A, [[1], [2, [3]]]);
    assert.deepEqual(Buffer.from(r2.BIN as Buffer), Buffer.from('DEADBEEF00', 'hex'));
    assert.equal((r3.BIN as Buffer).length, 0);
    assert.equal(rows[103]!.T, 'filler 199');
  });

  it('spools the result as several chunks and reads NUMBER(38,0) exactly with TO_VARCHAR', async () => {
    const before = emulator.faults().counters;
    assert.equal(before.chunkFailures, 0);
    const { rows } = await streamQuery(conn, `SELECT TO_VARCHAR("BIG") AS "BIG" FROM "EDGE" WHERE "ID" IN (2, 3, 4) ORDER BY "ID"`);
    assert.deepEqual(rows.map((r) => r.BIG), ['123456789012345678901234567890', '-99999999999999999999999999999999999999', '9007199254740993']);
    const response = await rawQuery(emulator, `SELECT * FROM "EDGE"`);
    assert.equal(response.data.total, 104);
    assert.ok(response.data.chunks.length >= 3, `${response.data.chunks.length} chunks`);
    assert.equal(response.data.rowset.length + response.data.chunks.reduce((n, c) => n + c.rowCount, 0), 104);
    // A chunk can be fetched again (the driver retries) and holds rows without outer brackets.
    const first = await (await fetch(response.data.chunks[0]!.url)).text();
    const again = await (await fetch(response.data.chunks[0]!.url)).text();
    assert.equal(first, again);
    assert.equal((JSON.parse(`[${first}]`) as unknown[]).length, response.data.chunks[0]!.rowCount);
  });

  it('reports Snowflake types in INFORMATION_SCHEMA.COLUMNS, including the created TIMESTAMP_TZ/OBJECT/ARRAY', async () => {
    const rows = await execute(conn, `SELECT "COLUMN_NAME", "DATA_TYPE", "NUMERIC_PRECISION", "NUMERIC_SCALE" FROM "EMU"."INFORMATION_SCHEMA"."COLUMNS"
      WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"`, ['PUBLIC', 'EDGE']);
    assert.deepEqual(rows.map((r) => `${r.COLUMN_NAME}:${r.DATA_TYPE}${r.NUMERIC_PRECISION === null ? '' : `(${r.NUMERIC_PRECISION},${r.NUMERIC_SCALE})`}`), [
      'ID:NUMBER(38,0)', 'BIG:NUMBER(38,0)', 'DEC:NUMBER(18,4)', 'F:FLOAT', 'T:TEXT', 'B:BOOLEAN', 'D:DATE', 'TM:TIME', 'NTZ:TIMESTAMP_NTZ',
      'LTZ:TIMESTAMP_LTZ', 'TZ:TIMESTAMP_TZ', 'V:VARIANT', 'O:OBJECT', 'A:ARRAY', 'BIN:BINARY',
    ]);
    const count = await execute(conn, `SELECT "ROW_COUNT" FROM "EMU"."INFORMATION_SCHEMA"."TABLES" WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ?`, ['PUBLIC', 'EDGE']);
    assert.deepEqual(count, [{ ROW_COUNT: 104 }]);
  });

  it('upper-cases unquoted identifiers and maps other schemas case-insensitively', async () => {
    await execute(conn, `CREATE SCHEMA staging`);
    await execute(conn, `CREATE TABLE emu.staging.small (id INT, label VARCHAR)`);
    const inserted = await execute(conn, `INSERT INTO "EMU"."STAGING"."SMALL" (id, label) VALUES (1, 'a'), (2, 'b')`);
    assert.deepEqual(inserted, [{ 'number of rows inserted': 2 }]);
    await execute(conn, `UPDATE Emu.Staging.Small SET label = IFF(id = 1, 'one', NVL(NULL, 'two'))`);
    const rows = await execute(conn, `select id, label from emu.staging.small order by id`);
    assert.deepEqual(rows, [{ ID: 1, LABEL: 'one' }, { ID: 2, LABEL: 'two' }]);
    const deleted = await execute(conn, `DELETE FROM emu.staging.small WHERE id = ?`, ['2']);
    assert.deepEqual(deleted, [{ 'number of rows deleted': 1 }]);
    await execute(conn, `DROP TABLE emu.staging.small`);
    await assert.rejects(execute(conn, `SELECT * FROM emu.staging.small`), (err: { code?: string; sqlState?: string }) => err.code === '002003' && err.sqlState === '42S02');
  });

  it('answers CONCAT_WS as Snowflake does: NULL when any argument is NULL, on both of its translations', async () => {
    // Row 1 holds NULL in every column but ID. The COALESCEd form is DuckDB's concat_ws, the other
    // the NULL-propagating chain; both must agree with Snowflake where their domains meet.
    const rows = await execute(conn, `SELECT CONCAT_WS(CHR(9), COALESCE("T", CHR(92) || 'N'), COALESCE(TO_VARCHAR("ID"), 'x')) AS "SAFE",
      CONCAT_WS(',', "T", 'b') AS "LOOSE", CONCAT_WS(',', TO_VARCHAR("ID"), 'b') AS "LOOSE_SET", CONCAT_WS(NULL, 'a', 'b') AS "NULL_SEPARATOR"
      FROM "EDGE" WHERE "ID" IN (1, 3) ORDER BY "ID"`);
    assert.deepEqual(rows, [
      { SAFE: '\\N\t1', LOOSE: null, LOOSE_SET: '1,b', NULL_SEPARATOR: null },
      { SAFE: 'Zürich ☕ 東京 😀\t3', LOOSE: 'Zürich ☕ 東京 😀,b', LOOSE_SET: '3,b', NULL_SEPARATOR: null },
    ]);
  });

  it('answers CONCAT as Snowflake does: NULL when any argument is NULL, numbers as text', async () => {
    const rows = await execute(conn, `SELECT CONCAT("T", '-', "ID") AS "JOINED", CONCAT('id ', "ID") AS "LABEL" FROM "EDGE" WHERE "ID" IN (1, 3) ORDER BY "ID"`);
    assert.deepEqual(rows, [
      { JOINED: null, LABEL: 'id 1' },
      { JOINED: 'Zürich ☕ 東京 😀-3', LABEL: 'id 3' },
    ]);
  });

  it('answers a syntax error the Snowflake way', async () => {
    await assert.rejects(execute(conn, `SELEC 1`), (err: { code?: string; sqlState?: string }) => err.code === '001003' && err.sqlState === '42000');
  });
});

describe('emulator: result spool', function () {
  it('writes chunk files to the spool directory and deletes them when the session ends', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'thaw-spool-test-'));
    const emulator = await startEmulator({ spoolDir, chunkBytes: 1_000, inlineBytes: 100 });
    try {
      await emulator.sql(`CREATE TABLE "R" AS SELECT range AS "N" FROM range(1000)`);
      const conn = await connect(emulator);
      const { rows } = await streamQuery(conn, `SELECT "N" FROM "R"`);
      assert.equal(rows.length, 1000);
      const files = readdirSync(spoolDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json.gz'));
      assert.ok(files.length >= 3, `${files.length} chunk files`);
      await destroy(conn);
      assert.deepEqual(readdirSync(spoolDir), []);
    } finally {
      await emulator.close();
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
