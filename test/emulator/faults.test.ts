// One test per fault switch: the real driver meets the fault, and the counters show it fired.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type FaultCounters } from '../../src/emulator';
import { connect, destroy, execute, streamQuery, type Connection } from './driver';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emulator: fault injection', function () {
  let emulator: Emulator;
  let conn: Connection;
  const counters = (): FaultCounters => emulator.faults().counters;

  before(async () => {
    emulator = await startEmulator({ chunkBytes: 500, inlineBytes: 100 });
    await emulator.sql(`CREATE TABLE "NUMS" AS SELECT range AS "N", 'row ' || range AS "LABEL" FROM range(200)`);
    conn = await connect(emulator);
  });

  afterEach(() => emulator.setFaults({ chunkFailRate: 0, failNextChunks: 0, queryFailRate: 0, dropRate: 0, delayMs: 0, stallRate: 0, stallMs: 0, failQueries: [] }));

  after(async () => {
    await destroy(conn);
    await emulator.close();
  });

  it('fails chunk downloads; the driver retries them', async () => {
    const before = counters().chunkFailures;
    emulator.setFaults({ chunkFailRate: 1 });
    const reading = streamQuery(conn, `SELECT "N" FROM "NUMS" ORDER BY "N"`);
    // The first download and at least one of the driver's retries fail, then the fault stops.
    await until(() => counters().chunkFailures >= before + 2, 'two failed chunk downloads');
    emulator.setFaults({ chunkFailRate: 0 });
    const { rows } = await reading;
    assert.deepEqual(rows.map((r) => r.N), Array.from({ length: 200 }, (_, i) => i));
  });

  it('fails the next N chunk downloads', async () => {
    const before = counters().chunkFailures;
    emulator.setFaults({ failNextChunks: 1 });
    const { rows } = await streamQuery(conn, `SELECT "N" FROM "NUMS"`);
    assert.equal(rows.length, 200);
    assert.equal(counters().chunkFailures, before + 1);
    assert.equal(emulator.faults().settings.failNextChunks, 0);
  });

  it('fails queries with a Snowflake SQL error, which the driver does not retry', async () => {
    emulator.setFaults({ queryFailRate: 1, queryFailKind: 'sql' });
    await assert.rejects(execute(conn, `SELECT 1 AS "X"`), (err: { code?: string; sqlState?: string }) => err.code === '000603' && err.sqlState === 'XX000');
    assert.equal(counters().queryFailures, 1);
  });

  it('fails queries with HTTP 503, which the driver retries on its own', async () => {
    const before = counters().queryFailures;
    emulator.setFaults({ queryFailRate: 1, queryFailKind: 'http' });
    const running = execute(conn, `SELECT 2 AS "X"`);
    await until(() => counters().queryFailures >= before + 1, 'a failed query request');
    emulator.setFaults({ queryFailRate: 0 });
    assert.deepEqual(await running, [{ X: 2 }]);
  });

  it('drops connections; the driver reconnects and retries', async () => {
    const before = counters().drops;
    emulator.setFaults({ dropRate: 1 });
    const running = execute(conn, `SELECT 3 AS "X"`);
    await until(() => counters().drops >= before + 1, 'a dropped connection');
    emulator.setFaults({ dropRate: 0 });
    assert.deepEqual(await running, [{ X: 3 }]);
  });

  it('drops the next N connections', async () => {
    const before = counters().drops;
    emulator.setFaults({ dropNext: 2 });
    assert.deepEqual(await execute(conn, `SELECT 5 AS "X"`), [{ X: 5 }]);
    assert.equal(counters().drops, before + 2, 'both drops fired and the driver retried past them');
    assert.equal(emulator.faults().settings.dropNext, 0);
  });

  it('delays responses', async () => {
    emulator.setFaults({ delayMs: 400 });
    const start = Date.now();
    assert.deepEqual(await execute(conn, `SELECT 4 AS "X"`), [{ X: 4 }]);
    assert.ok(Date.now() - start >= 400);
    assert.ok(counters().delayedResponses >= 1);
  });

  it('stalls a fraction of requests, each for as long as asked', async () => {
    const before = counters().stalls;
    emulator.setFaults({ stallRate: 1, stallMs: 300 });
    const start = Date.now();
    assert.deepEqual(await execute(conn, `SELECT 5 AS "X"`), [{ X: 5 }]);
    assert.ok(Date.now() - start >= 300, 'the query waited out the stall');
    assert.ok(counters().stalls > before);
    emulator.setFaults({ stallRate: 0 });
    const stalls = counters().stalls;
    await execute(conn, `SELECT 6 AS "X"`);
    assert.equal(counters().stalls, stalls, 'no stall once the rate is 0');
  });

  it('fails the next N queries whose SQL and binds match a pattern', async () => {
    const sql = `SELECT "LABEL" FROM "NUMS" WHERE "N" = CAST(? AS NUMBER(38,0))`;
    emulator.setFaults({ failQueries: [{ pattern: String.raw`"NUMS" .* -- binds: \["7"\]$`, count: 2, kind: 'sql' }] });
    assert.deepEqual(await execute(conn, sql, ['8']), [{ LABEL: 'row 8' }]);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(execute(conn, sql, ['7']), (err: { code?: string }) => err.code === '000603');
    }
    assert.deepEqual(await execute(conn, sql, ['7']), [{ LABEL: 'row 7' }]);
    assert.equal(counters().patternFailures, 2);
    assert.deepEqual(emulator.faults().settings.failQueries.map((r) => r.count), [0]);
  });

  it('a matching HTTP failure is absorbed by the driver retry', async () => {
    const before = counters().patternFailures;
    emulator.setFaults({ failQueries: [{ pattern: 'SELECT 5', count: 1, kind: 'http' }] });
    assert.deepEqual(await execute(conn, `SELECT 5 AS "X"`), [{ X: 5 }]);
    assert.equal(counters().patternFailures, before + 1);
  });

  it('is switched through the control endpoint', async () => {
    const post = await fetch(`${emulator.url}/__thaw/faults`, {
      method: 'POST',
      body: JSON.stringify({ delayMs: 5, failQueries: [{ pattern: 'never', count: 3, kind: 'http' }] }),
    });
    assert.equal(post.status, 200);
    const state = (await (await fetch(`${emulator.url}/__thaw/faults`)).json()) as ReturnType<Emulator['faults']>;
    assert.equal(state.settings.delayMs, 5);
    assert.deepEqual(state.settings.failQueries, [{ pattern: 'never', count: 3, kind: 'http' }]);
    assert.equal(typeof state.counters.drops, 'number');
    const bad = await fetch(`${emulator.url}/__thaw/faults`, { method: 'POST', body: JSON.stringify({ dropRate: 2 }) });
    assert.equal(bad.status, 400);
  });
});
