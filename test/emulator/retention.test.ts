// Time Travel retention and clones: DATA_RETENTION_TIME_IN_DAYS per table (ALTER TABLE … SET,
// SHOW TABLES, INFORMATION_SCHEMA.TABLES.RETENTION_TIME), AT() past it refused with Snowflake's
// 000707, and CREATE TABLE … CLONE … AT() keeping a snapshot readable after that. The emulator's
// clock is moved forward instead of waiting days.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/emulator';
import { connect, destroy, execute, type Connection } from './driver';

const NOW = `SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM') AS "NOW"`;
const at = (t: string) => `AT(TIMESTAMP => '${t}'::TIMESTAMP_TZ)`;
const DAY = 86_400;
const EXPIRED =
  'Time travel data is not available for table EVENTS. The requested time is either beyond the allowed time travel period or before the object creation time.';

describe('emulator: Time Travel retention and clones', function () {
  let emulator: Emulator;
  let conn: Connection;

  beforeEach(async () => {
    emulator = await startEmulator();
    conn = await connect(emulator);
    await execute(conn, `CREATE TABLE "DB"."PUBLIC"."EVENTS" ("ID" NUMBER(38,0), "AT_TZ" TIMESTAMP_TZ, "V" TEXT)`);
    await execute(conn, `INSERT INTO "DB"."PUBLIC"."EVENTS" VALUES (1, '2024-03-10 12:34:56.123 +05:30', 'one'), (2, NULL, 'two')`);
  });

  afterEach(async () => {
    await destroy(conn);
    await emulator.close();
  });

  const now = async () => String((await execute(conn, NOW))[0]!.NOW);
  const read = async (table: string, suffix = '') =>
    (await execute(conn, `SELECT "ID", "V" FROM "DB"."PUBLIC".${table} ${suffix} ORDER BY "ID"`)).map((r) => `${r.ID}:${r.V}`);
  const retentionShown = async () => {
    const shown = await execute(conn, `SHOW TABLES LIKE 'events' IN SCHEMA "DB"."PUBLIC"`);
    const info = await execute(conn, `SELECT "RETENTION_TIME" FROM "DB"."INFORMATION_SCHEMA"."TABLES" WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ?`, ['PUBLIC', 'EVENTS']);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.name, 'EVENTS');
    return { show: shown[0]!.retention_time, information: info[0]!.RETENTION_TIME };
  };

  it('shows each table’s retention, 1 day by default, as ALTER TABLE … SET changes it', async () => {
    assert.deepEqual(await retentionShown(), { show: '1', information: 1 });
    await execute(conn, `ALTER TABLE "DB"."PUBLIC"."EVENTS" SET DATA_RETENTION_TIME_IN_DAYS = 3`);
    assert.deepEqual(await retentionShown(), { show: '3', information: 3 });
    await assert.rejects(execute(conn, `ALTER TABLE "DB"."PUBLIC"."EVENTS" SET DATA_RETENTION_TIME_IN_DAYS = 91`), /DATA_RETENTION_TIME_IN_DAYS/);
  });

  it('moves CURRENT_TIMESTAMP with the clock, also through POST /__thaw/clock', async () => {
    const before = Date.parse((await now()).replace(' ', 'T').replace(/ ([+-]\d\d:\d\d)$/, '$1'));
    const answer = await fetch(`${emulator.url}/__thaw/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 2 * DAY }) });
    assert.deepEqual(await answer.json(), { offsetSeconds: 2 * DAY });
    const after = Date.parse((await now()).replace(' ', 'T').replace(/ ([+-]\d\d:\d\d)$/, '$1'));
    assert.ok(after - before >= 2 * DAY * 1000 && after - before < 2 * DAY * 1000 + 60_000, `moved ${after - before} ms`);
  });

  it('refuses AT() older than the retention with 000707, and reads it within a longer retention', async () => {
    const t1 = await now();
    await execute(conn, `UPDATE "DB"."PUBLIC"."EVENTS" SET "V" = 'changed'`);
    emulator.advanceClock(DAY + 60);
    await assert.rejects(execute(conn, `SELECT "ID" FROM "DB"."PUBLIC"."EVENTS" ${at(t1)}`), (err: { code?: string; sqlState?: string; message: string }) => {
      assert.equal(err.code, '000707');
      assert.equal(err.sqlState, '02000');
      assert.equal(err.message, EXPIRED);
      return true;
    });
    await execute(conn, `ALTER TABLE "DB"."PUBLIC"."EVENTS" SET DATA_RETENTION_TIME_IN_DAYS = 2`);
    assert.deepEqual(await read('"EVENTS"', at(t1)), ['1:one', '2:two']);
    await execute(conn, `ALTER TABLE "DB"."PUBLIC"."EVENTS" SET DATA_RETENTION_TIME_IN_DAYS = 0`);
    await assert.rejects(execute(conn, `SELECT "ID" FROM "DB"."PUBLIC"."EVENTS" AT(OFFSET => -1)`), (err: { code?: string }) => err.code === '000707');
  });

  it('CREATE TABLE … CLONE … AT() keeps the snapshot readable after the source’s retention has passed', async () => {
    const t1 = await now();
    await execute(conn, `UPDATE "DB"."PUBLIC"."EVENTS" SET "V" = 'changed' WHERE "ID" = 1`);
    await execute(conn, `INSERT INTO "DB"."PUBLIC"."EVENTS" VALUES (3, NULL, 'three')`);
    await execute(conn, `CREATE TABLE "DB"."PUBLIC"."EVENTS_SNAP" CLONE "DB"."PUBLIC"."EVENTS" ${at(t1)}`);
    await execute(conn, `DELETE FROM "DB"."PUBLIC"."EVENTS" WHERE "ID" = 2`);
    emulator.advanceClock(3 * DAY);

    assert.deepEqual(await read('"EVENTS_SNAP"'), ['1:one', '2:two'], 'the clone holds the table as of t1');
    assert.deepEqual(await read('"EVENTS"'), ['1:changed', '3:three']);
    await assert.rejects(execute(conn, `SELECT "ID" FROM "DB"."PUBLIC"."EVENTS" ${at(t1)}`), (err: { code?: string }) => err.code === '000707');
    // The clone's columns keep their Snowflake types (TIMESTAMP_TZ is held as text underneath).
    const types = await execute(conn, `SELECT "COLUMN_NAME", "DATA_TYPE" FROM "DB"."INFORMATION_SCHEMA"."COLUMNS" WHERE "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"`, ['EVENTS_SNAP']);
    assert.deepEqual(types.map((r) => `${r.COLUMN_NAME} ${r.DATA_TYPE}`), ['ID NUMBER', 'AT_TZ TIMESTAMP_TZ', 'V TEXT']);
    const tz = await execute(conn, `SELECT TO_VARCHAR("AT_TZ", 'YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM') AS "T" FROM "DB"."PUBLIC"."EVENTS_SNAP" WHERE "ID" = 1`);
    assert.equal(tz[0]!.T, '2024-03-10 12:34:56.123 +05:30');

    await execute(conn, `DROP TABLE IF EXISTS "DB"."PUBLIC"."EVENTS_SNAP"`);
    assert.deepEqual(await execute(conn, `SHOW TABLES LIKE 'EVENTS_SNAP'`), []);
  });
});
