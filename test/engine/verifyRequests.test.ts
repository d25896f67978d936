// `verify/run` and `verify/result` through the engine worker, as the editor asks them: a run's
// tables are verified with a progress event per range measured, the stored result reads back with
// its per-table counts and mismatching partitions, and a verification made by the CLI is what the
// worker reads afterwards.
import assert from 'node:assert/strict';
import { Events, Requests } from '../../src/protocol/engine';
import type { EngineClient } from '../../src/engine/worker/client';
import { DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

describe('verify requests (engine worker)', function () {
  this.timeout(300_000);
  let fx: Fixture;
  let worker: EngineClient | undefined;
  let config: string;
  let runId: string;
  before(async () => {
    fx = await createFixture({ demoRows: 2000 });
    config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 500 });
    const loaded = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(loaded.code, 0, loaded.stderr);
    runId = String(loaded.events.find((e) => e.event === 'run/started')!.runId);
    worker = startWorker({ ...process.env, ...fx.env });
  });
  after(async () => {
    await stopWorker(worker);
    await fx?.close();
  });

  it('verifies the tables of a run, reporting each range, and stores a result that reads back', async () => {
    assert.equal(await worker!.request(Requests.verifyResult, { configPath: config, runId }), null, 'no verification yet');
    const progress: Array<{ side: string; done: number; total: number; runId: string | null }> = [];
    const finished: Array<{ configPath: string; runId: string | null; verifyId: string; equal: boolean }> = [];
    const subscriptions = [worker!.on(Events.verifyProgress, (e) => progress.push(e)), worker!.on(Events.verifyFinished, (e) => finished.push(e))];
    const result = await worker!.request(Requests.verify, { configPath: config, runId });
    subscriptions.forEach((s) => s.dispose());

    assert.equal(result.equal, true);
    assert.equal(result.tables.length, 1);
    const [table] = result.tables;
    assert.equal(`${table!.targetSchema}.${table!.targetTable}`, 'analytics.factvisitcallperformance_cr');
    assert.ok(table!.partitions > 200, `${table!.partitions} partitions`);
    assert.equal(table!.equalPartitions, table!.partitions);
    assert.equal(table!.sourceRows, 2000);
    assert.equal(table!.targetRows, 2000);
    assert.deepEqual(table!.mismatches, []);
    assert.ok(progress.some((p) => p.side === 'source' && p.done === p.total && p.total > 1), 'the source side in several ranges');
    assert.ok(progress.some((p) => p.side === 'target' && p.done === p.total && p.total > 1), 'the target side in several ranges');
    assert.ok(progress.every((p) => p.runId === runId));
    assert.deepEqual(finished, [{ configPath: finished[0]!.configPath, runId, verifyId: result.verifyId, equal: true }]);
    assert.deepEqual(await worker!.request(Requests.verifyResult, { configPath: config, runId }), result);
  });

  it('reads back the newest verification, made by the CLI, with the partition that differs', async () => {
    const [row] = await fx.query<{ d: string }>(`SELECT to_char(visit_date, 'YYYY-MM-DD') AS d FROM analytics.factvisitcallperformance_cr WHERE visit_id = 1000100`);
    await fx.query(`DELETE FROM analytics.factvisitcallperformance_cr WHERE visit_id = 1000100`);
    const cli = await fx.cli(['verify', '--config', config]);
    assert.equal(cli.code, 1, cli.stdout);
    const stored = await worker!.request(Requests.verifyResult, { configPath: config, runId });
    assert.equal(stored?.equal, false);
    const [table] = stored!.tables;
    assert.equal(table!.equalPartitions, table!.partitions - 1);
    assert.equal(table!.targetRows, 1999);
    assert.equal(table!.mismatches.length, 1);
    const [mismatch] = table!.mismatches;
    assert.equal(mismatch!.partitionValue, row!.d);
    assert.equal(mismatch!.partitionIsNull, false);
    assert.equal(mismatch!.sourceRows, mismatch!.targetRows + 1);
  });
});
