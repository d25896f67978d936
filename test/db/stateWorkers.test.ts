import assert from 'node:assert/strict';
import {
  claimChunk,
  getChunk,
  getRunTables,
  heartbeatWorker,
  listWorkers,
  markWorkerStopped,
  reclaimDeadWorkers,
  registerWorker,
  releaseOrphanedChunks,
  setTunables,
} from '../../src/engine/state';
import { newRun, startedRun, statusDatabase, table, type StatusDb } from './stateFixtures';

const S = 'migration_status';
const alive = () => true;

describe('workers', () => {
  let s: StatusDb;
  before(async () => {
    s = await statusDatabase();
  });
  after(async () => s.close());

  it('register, heartbeat their chunks and learn the tunables, and sign off', async () => {
    const run = await startedRun(s.pool, S, newRun([table('BEAT', 3)]));
    await registerWorker(s.pool, S, { workerId: 'hb-1', runId: run.runId, host: 'host-a', pid: 111, threads: 4 });
    const chunk = (await claimChunk(s.pool, S, run.runId, 'hb-1'))!;
    await s.pool.query(`UPDATE ${S}.migration_chunk_status SET heartbeat_at = now() - interval '1 hour' WHERE run_id = $1`, [run.runId]);
    await setTunables(s.pool, S, run.runId, { parallelThreads: 7, batchSize: 500 });
    const reply = await heartbeatWorker(s.pool, S, { workerId: 'hb-1', runId: run.runId, rssMb: 512.4, threads: 4 });
    assert.deepEqual(reply, { alive: true, runStatus: 'in_progress', stopRequested: false, parallelThreads: 7, batchSize: 500, chunksRenewed: 1 });
    const renewed = (await getChunk(s.pool, S, run.runId, chunk.chunkId))!;
    assert.ok(Date.now() - renewed.heartbeatAt!.getTime() < 60_000, 'the chunk heartbeat moved with the worker');
    const [w] = await listWorkers(s.pool, S, run.runId);
    assert.deepEqual([w!.rssMb, w!.threads, w!.status], [512, 4, 'running']);
    await markWorkerStopped(s.pool, S, 'hb-1');
    assert.equal((await listWorkers(s.pool, S, run.runId))[0]!.status, 'stopped');
  });

  it('take back the chunks of a worker whose heartbeat went stale', async () => {
    const run = await startedRun(s.pool, S, newRun([table('STALE', 3)]));
    await registerWorker(s.pool, S, { workerId: 'stale-1', runId: run.runId, host: 'host-b', pid: 222, threads: 2 });
    await registerWorker(s.pool, S, { workerId: 'fresh-1', runId: run.runId, host: 'host-b', pid: 223, threads: 2 });
    await claimChunk(s.pool, S, run.runId, 'stale-1');
    await claimChunk(s.pool, S, run.runId, 'fresh-1');
    await s.pool.query(
      `UPDATE ${S}.migration_workers SET heartbeat_at = now() - interval '2 minutes' WHERE worker_id = 'stale-1';
       UPDATE ${S}.migration_chunk_status SET heartbeat_at = now() - interval '2 minutes' WHERE worker_id = 'stale-1'`,
    );
    const result = await reclaimDeadWorkers(s.pool, S, { runId: run.runId, heartbeatTimeoutMs: 60_000, host: 'elsewhere', isPidAlive: alive, maxAttempts: 5 });
    assert.deepEqual(result, {
      deadWorkers: ['stale-1'],
      chunks: [{ chunkId: 1, tableOrdinal: 1, status: 'pending', attempts: 1, error: 'worker stale-1 stopped responding during attempt 1' }],
      requeued: 1,
      failed: 0,
    });
    const chunk1 = (await getChunk(s.pool, S, run.runId, 1))!;
    assert.deepEqual([chunk1.status, chunk1.attempts], ['pending', 1]);
    assert.match(chunk1.lastError!, /worker stale-1 stopped responding during attempt 1/);
    assert.equal((await getChunk(s.pool, S, run.runId, 2))!.status, 'in_progress', 'the live worker keeps its chunk');
    const reply = await heartbeatWorker(s.pool, S, { workerId: 'stale-1', runId: run.runId, rssMb: 1, threads: 2 });
    assert.equal(reply.alive, false, 'a worker declared dead learns it on its next beat');
    const again = (await claimChunk(s.pool, S, run.runId, 'fresh-1'))!;
    assert.deepEqual([again.chunkId, again.attempts], [1, 2]);
  });

  it('take back at once the chunks of a worker on this host and in this pid namespace whose process is gone', async () => {
    const run = await startedRun(s.pool, S, newRun([table('PIDS', 3)]));
    const here = { host: 'this-host', pidNamespace: 'pid:[4026531836]' };
    await registerWorker(s.pool, S, { workerId: 'gone', runId: run.runId, ...here, pid: 99_999_999, threads: 1 });
    await registerWorker(s.pool, S, { workerId: 'other-host', runId: run.runId, host: 'that-host', pidNamespace: here.pidNamespace, pid: 99_999_999, threads: 1 });
    // Another container with --network host: the same host name, pids of its own.
    await registerWorker(s.pool, S, { workerId: 'other-container', runId: run.runId, host: here.host, pidNamespace: 'pid:[4026532207]', pid: 99_999_999, threads: 1 });
    await claimChunk(s.pool, S, run.runId, 'gone');
    await claimChunk(s.pool, S, run.runId, 'other-host');
    await claimChunk(s.pool, S, run.runId, 'other-container');
    const checked: number[] = [];
    const isPidAlive = (pid: number) => {
      checked.push(pid);
      return pid !== 99_999_999;
    };
    const result = await reclaimDeadWorkers(s.pool, S, { runId: run.runId, heartbeatTimeoutMs: 3_600_000, ...here, isPidAlive, maxAttempts: 5 });
    assert.deepEqual({ ...result, chunks: result.chunks.map((c) => [c.chunkId, c.status]) }, { deadWorkers: ['gone'], chunks: [[1, 'pending']], requeued: 1, failed: 0 });
    assert.deepEqual(checked, [99_999_999], 'only workers of this host and pid namespace are checked by pid');
    assert.equal((await getChunk(s.pool, S, run.runId, 2))!.status, 'in_progress');
    assert.equal((await getChunk(s.pool, S, run.runId, 3))!.status, 'in_progress', 'a live worker in another container keeps its chunk');
  });

  it('fail a chunk that has used its last attempt on a dying worker', async () => {
    const run = await startedRun(s.pool, S, newRun([table('KILLER', 1)]));
    await registerWorker(s.pool, S, { workerId: 'oom', runId: run.runId, host: 'h', pid: 1, threads: 1 });
    await claimChunk(s.pool, S, run.runId, 'oom');
    const result = await reclaimDeadWorkers(s.pool, S, { runId: run.runId, heartbeatTimeoutMs: 3_600_000, host: 'h', isPidAlive: () => false, maxAttempts: 1 });
    assert.deepEqual({ ...result, chunks: result.chunks.map((c) => [c.chunkId, c.status, c.attempts]) }, { deadWorkers: ['oom'], chunks: [[1, 'failed', 1]], requeued: 0, failed: 1 });
    const [t] = await getRunTables(s.pool, S, run.runId);
    assert.deepEqual([t!.status, t!.failedChunks], ['failed', 1]);
  });

  it('hand back chunks recorded as theirs that they are not loading (a claim answer lost in transit)', async () => {
    const run = await startedRun(s.pool, S, newRun([table('ORPHAN', 3)]));
    await registerWorker(s.pool, S, { workerId: 'or-1', runId: run.runId, host: 'host-a', pid: 222, threads: 2 });
    const loading = (await claimChunk(s.pool, S, run.runId, 'or-1'))!;
    const lost = (await claimChunk(s.pool, S, run.runId, 'or-1'))!;
    const other = (await claimChunk(s.pool, S, run.runId, 'or-2'))!;
    assert.deepEqual(
      (await releaseOrphanedChunks(s.pool, S, run.runId, 'or-1', [loading.chunkId])).map((c) => [c.chunkId, c.tableOrdinal, c.status, c.attempts]),
      [[lost.chunkId, lost.tableOrdinal, 'pending', 1]],
    );
    assert.equal((await getChunk(s.pool, S, run.runId, lost.chunkId))!.status, 'pending');
    assert.equal((await getChunk(s.pool, S, run.runId, loading.chunkId))!.status, 'in_progress');
    assert.equal((await getChunk(s.pool, S, run.runId, other.chunkId))!.status, 'in_progress', "another worker's chunk is not touched");
    const again = (await claimChunk(s.pool, S, run.runId, 'or-1'))!;
    assert.deepEqual([again.chunkId, again.attempts], [lost.chunkId, 2], 'the handed-back chunk is claimed again as a new attempt');
  });
});
