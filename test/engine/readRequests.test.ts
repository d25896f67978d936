// The read requests the views use answer from the status tables alone: here for runs that separate
// `thaw` CLI processes executed, asked of one long-lived worker that never ran them. Each answer is
// checked against the status tables themselves.
import assert from 'node:assert/strict';
import { Requests } from '../../src/protocol/engine';
import { EngineRequestError, type EngineClient } from '../../src/engine/worker/client';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

const S = 'migration_status';

describe('read requests (status tables only, runs executed by other processes)', function () {
  let fx: Fixture;
  let worker: EngineClient | undefined;
  before(async () => {
    fx = await createFixture({ demoRows: 10 });
    // Three partitions of about 90 rows (two chunks each at batch size 50) and a NULL partition.
    await fx.emulator.sql('CREATE TABLE main.GROUPED AS SELECT range AS ID, CASE WHEN range % 10 = 0 THEN NULL ELSE range % 3 END AS P FROM range(1, 301)');
    await fx.emulator.sql('CREATE TABLE main.SMALL_IDS AS SELECT range AS ID FROM range(1, 51)');
  });
  after(async () => {
    await stopWorker(worker);
    await fx?.close();
  });

  it('answers runs, tables, chunk groups, chunk pages, the chunk map, the timeline and workers', async () => {
    const config = await fx.writeConfig(
      [
        { source_table: 'GROUPED', target_schema: 'analytics', partition_column: 'P', split_column: 'ID' },
        { source_table: 'SMALL_IDS', target_schema: 'analytics', split_column: 'ID' },
      ],
      { batch_size: 50 },
    );
    const other = await fx.writeConfig([{ source_table: 'SMALL_IDS', target_schema: 'elsewhere', split_column: 'ID' }], {}, 'other.json');

    // The worker starts without the secrets: the host hands them over, as the editor does from SecretStorage.
    const { THAW_TEST_SF_PASSWORD: _sf, THAW_TEST_PG_PASSWORD: _pg, ...bare } = process.env;
    worker = startWorker(bare);
    await assert.rejects(worker.request(Requests.listRuns, { configPath: config }), (err: unknown) => err instanceof EngineRequestError && /THAW_TEST_PG_PASSWORD/.test(err.message));
    assert.deepEqual(await worker.request(Requests.workerSetEnv, { env: { ...fx.env } as Record<string, string> }), { names: ['THAW_TEST_PG_PASSWORD', 'THAW_TEST_SF_PASSWORD'] });
    assert.deepEqual(await worker.request(Requests.listRuns, { configPath: config }), [], 'no status tables yet: no runs');

    // A run executed by a separate CLI process, read while it runs...
    const cli = fx.startCli(['start', '--config', config, '--json']);
    const started = await cli.waitForEvent((e) => e.event === 'run/started');
    const runId = String(started.runId);
    await cli.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed');
    const live = await worker.request(Requests.listRuns, { configPath: config });
    if (live[0]!.status === 'in_progress') {
      assert.equal(live[0]!.liveWorkers, 1, 'the CLI worker heartbeats the run');
      assert.ok(live[0]!.etaSeconds === null || live[0]!.etaSeconds >= 0);
    }
    const finished = await cli.done;
    assert.equal(finished.code, 0, finished.stderr);
    // ...and one planned later by another CLI process, so there are two to order.
    const planned = await fx.cli(['plan', '--config', other, '--json']);
    assert.equal(planned.code, 0, planned.stderr);
    const plannedId = String(planned.events[0]!.runId);

    const runs = await worker.request(Requests.listRuns, { configPath: config, allConfigs: true });
    assert.deepEqual(runs.map((r) => [r.runId, r.status]), [[plannedId, 'pending'], [runId, 'completed']], 'newest first');
    assert.deepEqual((await worker.request(Requests.listRuns, { configPath: config })).map((r) => r.runId), [runId], 'of one config by default');
    const [db] = await fx.query<{ rows_total: string; rows_loaded: string; chunks: string }>(
      `SELECT sum(rows_expected) AS rows_total, sum(rows_loaded) AS rows_loaded, count(*) AS chunks FROM ${S}.migration_chunk_status WHERE run_id = $1`,
      [runId],
    );
    const done = runs[1]!;
    assert.deepEqual(
      [done.rowsTotal, done.rowsLoaded, done.chunksTotal, done.chunks.completed, done.percent, done.rowsPerSecond, done.etaSeconds, done.liveWorkers],
      [Number(db!.rows_total), Number(db!.rows_loaded), Number(db!.chunks), Number(db!.chunks), 100, 0, null, 0],
      'a finished run: all loaded, no rate, no ETA',
    );
    assert.deepEqual(done.targetSchemas, ['analytics']);
    assert.deepEqual([runs[0]!.percent, runs[0]!.rowsLoaded, runs[0]!.etaSeconds], [0, 0, null], 'a planned run has no ETA');

    const tables = await worker.request(Requests.listTables, { configPath: config, runId });
    const dbTables = await fx.query<{ table_ordinal: number; source_table: string; total_rows: string; total_chunks: number; status: string }>(
      `SELECT table_ordinal, source_table, total_rows, total_chunks, status FROM ${S}.migration_table_status WHERE run_id = $1 ORDER BY table_ordinal`,
      [runId],
    );
    assert.deepEqual(
      tables.map((t) => [t.tableOrdinal, t.sourceTable, t.rowsTotal, t.rowsLoaded, t.totalChunks, t.chunks.completed, t.status, t.percent]),
      dbTables.map((t) => [t.table_ordinal, t.source_table, Number(t.total_rows), Number(t.total_rows), t.total_chunks, t.total_chunks, t.status, 100]),
    );

    const groups = await worker.request(Requests.chunkGroups, { configPath: config, runId, tableOrdinal: 1 });
    const dbGroups = await fx.query<{ partition_value: string | null; n: string; rows: string }>(
      `SELECT partition_value, count(*) AS n, sum(rows_expected) AS rows FROM ${S}.migration_chunk_status
       WHERE run_id = $1 AND table_ordinal = 1 GROUP BY partition_is_null, partition_value ORDER BY min(chunk_id)`,
      [runId],
    );
    assert.deepEqual(
      groups.map((g) => [g.partitionValue, g.status, g.chunks, g.rowsExpected, g.rowsLoaded]),
      dbGroups.map((g) => [g.partition_value, 'completed', Number(g.n), Number(g.rows), Number(g.rows)]),
      'one group per partition, in plan order',
    );
    assert.ok(groups.some((g) => g.partitionIsNull && g.partitionValue === null), 'the NULL partition is a group of its own');
    const heavy = groups.find((g) => g.chunks > 1)!;

    const page = await worker.request(Requests.listChunks, { configPath: config, runId, tableOrdinal: 1, partitionValue: heavy.partitionValue, offset: 1, limit: 1 });
    assert.equal(page.total, heavy.chunks);
    assert.deepEqual(page.items.map((c) => [c.chunkId, c.status, c.partitionValue]), [[heavy.firstChunkId + 1, 'completed', heavy.partitionValue]]);
    const nullPage = await worker.request(Requests.listChunks, { configPath: config, runId, partitionValue: null });
    assert.ok(nullPage.total >= 1 && nullPage.items.every((c) => c.partitionIsNull && c.tableOrdinal === 1), 'filter on the NULL partition');
    const none = await worker.request(Requests.listChunks, { configPath: config, runId, status: 'failed' });
    assert.deepEqual(none, { total: 0, offset: 0, items: [] });
    const all = await worker.request(Requests.listChunks, { configPath: config, runId, offset: 10_000 });
    assert.deepEqual([all.total, all.items.length], [Number(db!.chunks), 0], 'a page past the end still carries the total');

    const map = await worker.request(Requests.chunkMap, { configPath: config, runId });
    assert.equal(map.chunkIds.length, Number(db!.chunks));
    assert.ok(map.status.every((st) => st === 'completed'));
    const timeline = await worker.request(Requests.timeline, { configPath: config, runId, bucketSeconds: 60 });
    assert.equal(timeline.buckets.reduce((n, b) => n + b.rows, 0), Number(db!.rows_loaded), 'the timeline holds every loaded row');

    const workers = await worker.request(Requests.listWorkers, { configPath: config, runId });
    const [dbWorker] = await fx.query<{ worker_id: string; pid: number }>(`SELECT worker_id, pid FROM ${S}.migration_workers WHERE run_id = $1`, [runId]);
    assert.deepEqual(workers.map((w) => [w.workerId, w.pid, w.status]), [[dbWorker!.worker_id, dbWorker!.pid, 'stopped']]);
    assert.notEqual(dbWorker!.pid, worker.pid, 'the run was executed by another process');
  });
});
