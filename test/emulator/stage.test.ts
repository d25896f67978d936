// The emulator's stages over the wire (real snowflake-sdk for the statements, plain HTTP for the
// presigned URLs), with their faults: a download cut off halfway (resumable with a byte range), an
// expired URL (403), a refused unload, and a stage without SNOWFLAKE_SSE that cannot presign.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startEmulator, type Emulator } from '../../src/emulator';
import { connect, destroy, execute, type Connection } from './driver';

const UNLOAD_FORMAT =
  "FILE_FORMAT = (TYPE = CSV COMPRESSION = GZIP FIELD_DELIMITER = NONE RECORD_DELIMITER = '\\n' FIELD_OPTIONALLY_ENCLOSED_BY = NONE ESCAPE = NONE ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = FALSE) HEADER = FALSE DETAILED_OUTPUT = TRUE";

/** GET with an optional `Range: bytes=N-`: status and the bytes received before the connection ended. */
function get(url: string, from = 0): Promise<{ status: number; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: from > 0 ? { Range: `bytes=${from}-` } : {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), complete: true }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), complete: false }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('emulator: stages, presigned downloads and their faults', function () {
  let emulator: Emulator;
  let conn: Connection;
  let url: string;
  let file: { FILE_NAME: string; FILE_SIZE: number; ROW_COUNT: number };

  before(async () => {
    emulator = await startEmulator();
    await emulator.sql(`CREATE TABLE T AS SELECT i AS ID, repeat('x', 50) || i AS V FROM range(20000) r(i)`);
    conn = await connect(emulator);
    await execute(conn, `CREATE STAGE IF NOT EXISTS "DB"."PUBLIC"."S" ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')`);
    const files = await execute(conn, `COPY INTO @"DB"."PUBLIC"."S"/r/1/1/ FROM (SELECT "V" AS "ROW" FROM "DB"."PUBLIC"."T" WHERE "ID" >= ?) ${UNLOAD_FORMAT}`, ['10000']);
    file = files[0] as typeof file;
    assert.equal(file.ROW_COUNT, 10000);
    const [row] = await execute(conn, `SELECT GET_PRESIGNED_URL(@"DB"."PUBLIC"."S", '${file.FILE_NAME}', 60) AS "URL"`);
    url = String(row!.URL);
  });

  after(async () => {
    await destroy(conn);
    await emulator.close();
  });

  it('serves the whole file, and the rest of it from a byte offset', async () => {
    const whole = await get(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.body.length, file.FILE_SIZE);
    assert.equal(gunzipSync(whole.body).toString().split('\n').length - 1, 10000);
    const tail = await get(url, 100);
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.body, whole.body.subarray(100));
  });

  it('cuts a download off halfway; a range request gets the rest', async () => {
    emulator.setFaults({ cutDownloadsNext: 1 });
    const cut = await get(url);
    assert.equal(cut.complete, false, 'the connection ended early');
    assert.ok(cut.body.length > 0 && cut.body.length < file.FILE_SIZE, `${cut.body.length} of ${file.FILE_SIZE} bytes`);
    const rest = await get(url, cut.body.length);
    assert.equal(rest.status, 206);
    assert.equal(gunzipSync(Buffer.concat([cut.body, rest.body])).toString().split('\n').length - 1, 10000);
    assert.equal(emulator.faults().counters.cutDownloads, 1);
  });

  it('answers 403 for an expired URL', async () => {
    emulator.setFaults({ expireUrlsNext: 1 });
    assert.equal((await get(url)).status, 403);
    assert.equal((await get(url)).status, 200, 'only the next download');
    const [row] = await execute(conn, `SELECT GET_PRESIGNED_URL(@"DB"."PUBLIC"."S", '${file.FILE_NAME}', 0) AS "URL"`);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await get(String(row!.URL))).status, 403, 'a URL past its lifetime');
  });

  it('refuses unloads when told to, and presigned URLs on a stage without SNOWFLAKE_SSE', async () => {
    emulator.setFaults({ refuseUnloads: true });
    await assert.rejects(execute(conn, `COPY INTO @"DB"."PUBLIC"."S"/r/2/1/ FROM (SELECT 'x' AS "ROW") ${UNLOAD_FORMAT}`), (e: { code?: string; message: string }) => {
      assert.equal(e.code, '003001');
      assert.match(e.message, /PREVENT_UNLOAD_TO_INTERNAL_STAGES/);
      return true;
    });
    emulator.setFaults({ refuseUnloads: false });
    await execute(conn, `CREATE STAGE "DB"."PUBLIC"."PLAIN"`);
    await assert.rejects(execute(conn, `SELECT GET_PRESIGNED_URL(@"DB"."PUBLIC"."PLAIN", 'x.csv.gz', 60) AS "URL"`), /SNOWFLAKE_SSE/);
    await assert.rejects(execute(conn, `COPY INTO @"DB"."PUBLIC"."S"/r/3/ FROM (SELECT 'x' AS "ROW") FILE_FORMAT = (TYPE = CSV)`), /FIELD_DELIMITER = NONE/);
  });

  it('unloads uncompressed files with COMPRESSION = NONE, and refuses a compression it does not write', async () => {
    const plainFormat = UNLOAD_FORMAT.replace('COMPRESSION = GZIP', 'COMPRESSION = NONE');
    const [plain] = (await execute(conn, `COPY INTO @"DB"."PUBLIC"."S"/p/1/1/ FROM (SELECT "V" AS "ROW" FROM "DB"."PUBLIC"."T" WHERE "ID" >= ?) ${plainFormat}`, ['10000'])) as Array<typeof file>;
    assert.equal(plain!.FILE_NAME, 'p/1/1/data_0_0_0.csv');
    assert.equal(plain!.ROW_COUNT, 10000);
    const [row] = await execute(conn, `SELECT GET_PRESIGNED_URL(@"DB"."PUBLIC"."S", '${plain!.FILE_NAME}', 60) AS "URL"`);
    const body = (await get(String(row!.URL))).body;
    assert.equal(body.length, plain!.FILE_SIZE);
    assert.deepEqual(body, gunzipSync((await get(url)).body), 'the same lines as the gzipped unload of the same rows');
    await assert.rejects(
      execute(conn, `COPY INTO @"DB"."PUBLIC"."S"/p/2/ FROM (SELECT 'x' AS "ROW") ${UNLOAD_FORMAT.replace('COMPRESSION = GZIP', 'COMPRESSION = ZSTD')}`),
      /gzip or uncompressed files only, not COMPRESSION = ZSTD/,
    );
    await execute(conn, `REMOVE @"DB"."PUBLIC"."S"/p/`);
  });

  it('lists and removes by prefix', async () => {
    const listed = await execute(conn, `LIST @"DB"."PUBLIC"."S"/r/`);
    assert.deepEqual(listed.map((r) => r.name), [`s/${file.FILE_NAME}`]);
    const removed = await execute(conn, `REMOVE @"DB"."PUBLIC"."S"/r/1/`);
    assert.deepEqual(removed, [{ name: `s/${file.FILE_NAME}`, result: 'removed' }]);
    assert.deepEqual(await execute(conn, `LIST @"DB"."PUBLIC"."S"/`), []);
    assert.equal((await get(url)).status, 404, 'a removed file is gone');
  });
});
