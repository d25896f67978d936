// The two reads the progress panel adds to the state layer: the whole chunk map of a run and its
// throughput buckets, each one query, against a real PostgreSQL.
import assert from 'node:assert/strict';
import {
  claimChunk,
  completeChunk,
  failChunk,
  inTransaction,
  readChunkMap,
  readThroughput,
  readTunings,
  setTunables,
  type ChunkRecord,
} from '../../src/engine/state';
import { chunks, newRun, startedRun, statusDatabase, table, type StatusDb } from './stateFixtures';

const S = 'migration_status';

describe('progress panel reads', () => {
  let s: StatusDb;
  let runId: string;
  before(async () => {
    s = await statusDatabase();
    // Two days, the second planned first: the map keeps plan order, not text order.
    const twoDays = [
      ...chunks(3).map((c) => ({ ...c, partitionValue: '2025-12-15' })),
      ...chunks(2).map((c) => ({ ...c, partitionValue: '2025-12-14' })),
      { ...chunks(1)[0]!, partitionIsNull: true, partitionValue: null },
    ];
    runId = (await startedRun(s.pool, S, newRun([table('FACT', 0, { chunks: twoDays }), table('DIM', 2)]))).runId;
    const claimOf = (c: ChunkRecord) => ({ runId, chunkId: c.chunkId, workerId: 'w1', attempt: c.attempts });
    for (let i = 0; i < 2; i++) {
      const c = (await claimChunk(s.pool, S, runId, 'w1'))!;
      const client = await s.pool.connect();
      try {
        await inTransaction(client, () => completeChunk(client, S, claimOf(c), { rows: c.rows, bytes: 4096 }));
      } finally {
        client.release();
      }
    }
    const failing = (await claimChunk(s.pool, S, runId, 'w1'))!;
    await failChunk(s.pool, S, claimOf(failing), { message: 'invalid input syntax for type bigint: "x"', code: '22P02', retryable: false });
    await claimChunk(s.pool, S, runId, 'w1');
  });
  after(async () => s.close());

  it('reads every chunk of a run in map order: table, partition in plan order, split order', async () => {
    const map = await readChunkMap(s.pool, S, runId);
    assert.equal(map.chunkIds.length, 8);
    assert.deepEqual(map.chunkIds, [...map.chunkIds].sort((a, b) => a - b));
    assert.deepEqual(
      map.partitions.map((p) => [p.tableOrdinal, p.value, p.isNull]),
      [
        [1, '2025-12-15', false],
        [1, '2025-12-14', false],
        [1, null, true],
        [2, '2025-12-14', false],
      ],
    );
    assert.deepEqual(map.partitionIndex, [0, 0, 0, 1, 1, 2, 3, 3]);
    assert.deepEqual(map.status, ['completed', 'completed', 'failed', 'in_progress', 'pending', 'pending', 'pending', 'pending']);
    assert.deepEqual(map.attempts.slice(0, 5), [1, 1, 1, 1, 0]);
    assert.ok(map.durationMs[0]! >= 0 && map.durationMs[3]! >= 0, 'completed and in-progress chunks have a duration');
    assert.equal(map.durationMs[4], null);
    assert.deepEqual(map.errors, [{ index: 2, message: 'invalid input syntax for type bigint: "x"', code: '22P02' }]);
    assert.deepEqual([map.splitLow[1], map.splitHigh[1]], ['11', '21']);
    assert.equal(map.rowsExpected[0], 10);
  });

  it('buckets rows and bytes of completed chunks by completion time', async () => {
    const buckets = await readThroughput(s.pool, S, runId, 60);
    assert.equal(buckets.length, 1);
    assert.equal(buckets[0]!.rows, 20);
    assert.equal(buckets[0]!.bytes, 8192);
    assert.equal(buckets[0]!.chunks, 2);
    assert.equal(buckets[0]!.t % 60_000, 0);
    assert.deepEqual(await readThroughput(s.pool, S, 'no-such-run', 60), []);
  });

  it('records every change of the tunables with its time, and only changes', async () => {
    const before = Date.now();
    await setTunables(s.pool, S, runId, { parallelThreads: 6 });
    await setTunables(s.pool, S, runId, { parallelThreads: 6 });
    await setTunables(s.pool, S, runId, { batchSize: 5 });
    const tunings = await readTunings(s.pool, S, runId);
    assert.deepEqual(
      tunings.map((t) => [t.threads, t.batchSize]),
      [
        [6, tunings[0]!.batchSize],
        [6, 5],
      ],
      'the repeated tune changed nothing and is not recorded; each row holds both tunables from then on',
    );
    assert.ok(tunings.every((t) => t.t >= before - 1000 && t.t <= Date.now() + 1000), 'recorded at the time of the change');
    assert.ok(tunings[0]!.t <= tunings[1]!.t);
    assert.deepEqual(await readTunings(s.pool, S, 'no-such-run'), []);
  });

  it('records two identical tunes made at the same instant once', async () => {
    // A third session holds the run's row, so both tunes are waiting on it when it lets go: each
    // then sees the other's change or none, never the values from before both.
    const holder = await s.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM ${S}.migration_runs WHERE run_id = $1 FOR UPDATE`, [runId]);
      const recordedBefore = (await readTunings(s.pool, S, runId)).length;
      const tunes = [setTunables(s.pool, S, runId, { parallelThreads: 9 }), setTunables(s.pool, S, runId, { parallelThreads: 9 })];
      for (let waiting = 0; waiting < 2; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE%migration_runs%'`);
        waiting = rows[0].n;
      }
      await holder.query('COMMIT');
      assert.deepEqual((await Promise.all(tunes)).map((run) => run.parallelThreads), [9, 9]);
      const tunings = await readTunings(s.pool, S, runId);
      assert.equal(tunings.length, recordedBefore + 1, 'one change, one mark');
      assert.equal(tunings.at(-1)!.threads, 9);
    } finally {
      holder.release();
    }
  });
});
