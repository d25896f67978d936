// Through the built CLI as a user runs it: a chunk a dead worker held is taken back and the
// taking back is announced (keyed by run, table and chunk); an error nobody classified (a
// TypeError) fails its chunk on the first attempt, with its stack in the log.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { createFixture, type Fixture } from '../support/migration';

const S = 'migration_status';

describe('chunk events and error classes (CLI)', function () {
  let fx: Fixture;
  before(async () => {
    fx = await createFixture({ demoRows: 10 });
    await fx.emulator.sql('CREATE TABLE main.IDS AS SELECT range AS ID, range * 2 AS DOUBLED FROM range(1, 101)');
  });
  after(async () => fx?.close());

  it('announces the chunk it takes back from a dead worker', async () => {
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'reclaim', split_column: 'ID' }], { batch_size: 25 }, 'reclaim.json');
    const plan = await fx.cli(['plan', '--config', config, '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const runId = String(plan.events[0]!.runId);
    // A worker of this host whose process is gone, holding chunk 3.
    await fx.query(`INSERT INTO ${S}.migration_workers (worker_id, run_id, host, pid, threads) VALUES ('ghost', $1, $2, 2147483646, 1)`, [runId, hostname()]);
    await fx.query(`UPDATE ${S}.migration_chunk_status SET status = 'in_progress', attempts = 1, worker_id = 'ghost', heartbeat_at = now() WHERE run_id = $1 AND chunk_id = 3`, [runId]);

    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const changes = run.events.filter((e) => e.event === 'chunk/stateChanged' && e.chunkId === 3);
    assert.deepEqual(
      changes.map((e) => [e.runId, e.tableOrdinal, e.status, e.attempts]),
      [
        [runId, 1, 'pending', 1],
        [runId, 1, 'in_progress', 2],
        [runId, 1, 'completed', 2],
      ],
    );
    assert.match(String(changes[0]!.error), /worker ghost stopped responding during attempt 1/);
    const [ghost] = await fx.query<{ status: string }>(`SELECT status FROM ${S}.migration_workers WHERE worker_id = 'ghost'`);
    assert.equal(ghost!.status, 'dead');
  });

  it('fails a chunk at once on a TypeError, logging its stack', async () => {
    // A status row this version cannot read (written by hand, or by another version): the plan's
    // mapping of DOUBLED has lost its column name, so building the chunk query throws a TypeError.
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'bug', split_column: 'ID' }], { batch_size: 50, max_attempts: 5, retry_delay_seconds: 5 }, 'bug.json');
    const plan = await fx.cli(['plan', '--config', config, '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const runId = String(plan.events[0]!.runId);
    await fx.query(
      `UPDATE ${S}.migration_table_status
       SET column_mappings = (SELECT jsonb_agg(CASE WHEN m -> 'source' ->> 'name' = 'DOUBLED' THEN m #- '{source,name}' ELSE m END ORDER BY i)
                              FROM jsonb_array_elements(column_mappings) WITH ORDINALITY AS x(m, i))
       WHERE run_id = $1`,
      [runId],
    );

    const started = Date.now();
    const run = await fx.cli(['start', '--config', config, '--json']);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(Date.now() - started < 20_000, 'no backoff of 5 s, 10 s, 20 s, 40 s between attempts');
    const failed = run.events.filter((e) => e.event === 'chunk/stateChanged' && e.status === 'failed');
    assert.deepEqual(failed.map((e) => [e.chunkId, e.attempts]).sort(), [[1, 1], [2, 1]], 'each chunk fails on its first attempt');
    assert.match(String(failed[0]!.error), /Cannot read properties of undefined|undefined is not/);
    assert.ok(!run.events.some((e) => e.event === 'chunk/stateChanged' && e.status === 'pending'), 'never retried');
    const stack = run.events.find((e) => e.event === 'log' && /unexpected error: TypeError/.test(String(e.message)));
    assert.match(String(stack?.message), /\n\s+at /, 'the stack is in the log');
    const chunks = await fx.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM ${S}.migration_chunk_status WHERE run_id = $1`, [runId]);
    assert.ok(chunks.every((c) => c.status === 'failed' && c.attempts === 1));
    const finished = run.events.find((e) => e.event === 'run/finished')!;
    assert.deepEqual([finished.status, finished.failedChunks, finished.rowsLoaded], ['failed', 2, 0]);
  });
});
