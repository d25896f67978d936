import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/emulator';
import { connect, destroy, execute, type Connection } from './driver';

const NOW = `SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI:SS.FF3 TZH:TZM') AS "NOW"`;
const at = (t: string) => `AT(TIMESTAMP => '${t}'::TIMESTAMP_TZ)`;

describe('emulator: time travel', function () {
  let emulator: Emulator;
  let conn: Connection;

  before(async () => {
    emulator = await startEmulator();
    conn = await connect(emulator);
    await execute(conn, `CREATE TABLE "DB"."PUBLIC"."ITEMS" ("ID" NUMBER(38,0), "V" TEXT)`);
    await execute(conn, `INSERT INTO "DB"."PUBLIC"."ITEMS" VALUES (1, 'one'), (2, 'two')`);
  });

  after(async () => {
    await destroy(conn);
    await emulator.close();
  });

  const read = async (suffix = '') => (await execute(conn, `SELECT "ID", "V" FROM "DB"."PUBLIC"."ITEMS" ${suffix} ORDER BY "ID"`)).map((r) => `${r.ID}:${r.V}`);
  const now = async () => String((await execute(conn, NOW))[0]!.NOW);

  it('reads a table as it was at an instant, through later changes', async () => {
    const t1 = await now();
    await execute(conn, `UPDATE "DB"."PUBLIC"."ITEMS" SET "V" = 'uno' WHERE "ID" = 1`);
    const t2 = await now();
    await execute(conn, `DELETE FROM "DB"."PUBLIC"."ITEMS" WHERE "ID" = 2`);
    await execute(conn, `INSERT INTO "DB"."PUBLIC"."ITEMS" VALUES (3, 'three')`);

    assert.deepEqual(await read(), ['1:uno', '3:three']);
    assert.deepEqual(await read(at(t1)), ['1:one', '2:two']);
    assert.deepEqual(await read(at(t2)), ['1:uno', '2:two']);
    // The snapshot also holds inside the catalog's aggregate shapes.
    const counted = await execute(conn, `SELECT COUNT(*) AS "N" FROM "DB"."PUBLIC"."ITEMS" ${at(t1)} WHERE "ID" >= CAST(? AS NUMBER(38,0))`, ['1']);
    assert.deepEqual(counted, [{ N: 2 }]);
  });

  it('supports AT(OFFSET => -seconds)', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    await execute(conn, `UPDATE "DB"."PUBLIC"."ITEMS" SET "V" = 'changed'`);
    const before = await read('AT(OFFSET => -1)');
    assert.ok(!before.some((v) => v.endsWith(':changed')), before.join());
    assert.ok((await read()).every((v) => v.endsWith(':changed')));
  });
});
