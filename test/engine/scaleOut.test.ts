// Scale-out: `thaw start --detach` starts a run nobody executes yet, three `thaw worker` processes
// join it, one is killed with SIGKILL (the CLI and its engine process, as a pod or a machine
// dies). The others take its chunks back and finish: every chunk completed once, with its
// attempts recorded, and the target equal to the source. `thaw status` shows each worker live.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';

const SOURCE = { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' };
const TARGET = { schema: 'analytics', table: 'factvisitcallperformance_cr' };
const ROWS = 8000;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process group of a pid (field 5 of /proc/PID/stat, after the parenthesised command name). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

interface WorkerRow {
  worker_id: string;
  pid: number;
  status: string;
  held: string;
  completed: string;
}

async function workerRows(fx: Fixture, runId: string): Promise<WorkerRow[]> {
  return fx.query<WorkerRow>(
    `SELECT w.worker_id, w.pid, w.status,
            count(c.chunk_id) FILTER (WHERE c.status = 'in_progress') AS held,
            count(c.chunk_id) FILTER (WHERE c.status = 'completed') AS completed
     FROM migration_status.migration_workers w
     LEFT JOIN migration_status.migration_chunk_status c ON c.run_id = w.run_id AND c.worker_id = w.worker_id
     WHERE w.run_id = $1 GROUP BY w.worker_id, w.pid, w.status, w.started_at ORDER BY w.started_at`,
    [runId],
  );
}

describe('thaw worker: several processes on one run', function () {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture({ demoRows: ROWS });
    // Every emulator answer takes a little while, so the run lasts long enough to kill a worker in it.
    fx.setFaults({ delayMs: 40 });
  });
  afterEach(async () => fx?.close());

  it('3 workers, one SIGKILLed mid-run: every chunk completed once with its attempts recorded, and the target equals the source', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 200, parallel_threads: 2 });

    const started = await fx.cli(['start', '--config', config, '--detach', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const runId = String(started.events.find((e) => e.event === 'run/started')?.runId);
    assert.ok(started.events.some((e) => e.event === 'run/detached' && e.runId === runId), started.stdout);
    const [idle] = await fx.query<{ workers: string; claimed: string; chunks: string }>(
      `SELECT (SELECT count(*) FROM migration_status.migration_workers WHERE run_id = $1) AS workers,
              (SELECT count(*) FROM migration_status.migration_chunk_status WHERE run_id = $1 AND attempts > 0) AS claimed,
              (SELECT count(*) FROM migration_status.migration_chunk_status WHERE run_id = $1) AS chunks`,
      [runId],
    );
    assert.deepEqual([idle!.workers, idle!.claimed], ['0', '0'], 'a detached start executes nothing');
    assert.ok(Number(idle!.chunks) >= 40, `planned ${idle!.chunks} chunks`);

    // Each worker leads a process group of its own: killing the group kills the CLI and its engine process.
    const workers = [0, 1, 2].map(() => fx.startCli(['worker', '--config', config, '--json'], { group: true }));
    for (const w of workers) assert.equal((await w.waitForEvent((e) => e.event === 'run/started')).joined, true);
    await waitFor(async () => {
      const rows = await workerRows(fx, runId);
      return rows.length === 3 && rows.every((r) => r.status === 'running' && Number(r.completed) >= 2);
    }, 'three workers with two completed chunks each');

    // Live per-worker throughput in `thaw status`, JSON and text: host, pid, threads, RSS, rows/s.
    const status = await fx.cli(['status', '--config', config, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const reported = (status.events[0]!.workers as Array<{ host: string; pid: number; status: string; threads: number; rssMb: number; rowsPerSecond: number; chunksCompleted: number }>).filter(
      (w) => w.status === 'running',
    );
    const pids = (await workerRows(fx, runId)).map((r) => Number(r.pid)).sort();
    assert.deepEqual(reported.map((w) => w.pid).sort(), pids, 'each running worker by its pid');
    for (const w of reported) {
      assert.ok(w.host.length > 0, 'host');
      assert.equal(w.threads, 2);
      assert.ok(w.rssMb > 0, `RSS ${w.rssMb}`);
      assert.ok(w.chunksCompleted >= 2);
      assert.ok(w.rowsPerSecond > 0, `worker ${w.pid} has its own rate (${w.rowsPerSecond} rows/s)`);
    }
    const text = await fx.cli(['status', '--config', config]);
    assert.match(text.stdout, /workers: 3 running/);
    for (const pid of pids) assert.match(text.stdout, new RegExp(`\\S+ pid ${pid}: 2 threads, RSS \\d+ MB, [\\d.]+k? rows/s, \\d+ chunks`), text.stdout);

    // Kill a worker while it holds chunks: its CLI and engine process at once, no goodbye.
    let victim: WorkerRow | undefined;
    await waitFor(async () => (victim = (await workerRows(fx, runId)).find((r) => Number(r.held) > 0)) !== undefined, 'a worker holding a chunk');
    const group = processGroupOf(Number(victim!.pid));
    const index = workers.findIndex((w) => w.child.pid === group);
    assert.ok(index >= 0, `the engine process ${victim!.pid} belongs to one of the three thaw worker commands`);
    process.kill(-group, 'SIGKILL');
    const results = await Promise.all(workers.map((w) => w.done));
    const killed = results[index];
    const survivors = results.filter((_, i) => i !== index);
    await waitFor(async () => !isAlive(Number(victim!.pid)), 'the killed engine process to be gone');
    assert.equal(killed!.code, null, 'killed by a signal');
    for (const s of survivors) assert.equal(s.code, 0, `a surviving worker exits 0 once no chunk is left: ${s.stderr}`);
    for (const s of survivors) assert.equal(s.events.find((e) => e.event === 'run/finished')?.status, 'completed');

    const [run] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_runs WHERE run_id = $1`, [runId]);
    assert.equal(run!.status, 'completed');
    const chunks = await fx.query<{ chunk_id: number; status: string; attempts: number; worker_id: string; rows_expected: string; rows_loaded: string; last_error: string | null }>(
      `SELECT chunk_id, status, attempts, worker_id, rows_expected, rows_loaded, last_error FROM migration_status.migration_chunk_status WHERE run_id = $1 ORDER BY chunk_id`,
      [runId],
    );
    for (const c of chunks) {
      assert.equal(c.status, 'completed', `chunk ${c.chunk_id}`);
      assert.equal(c.rows_loaded, c.rows_expected, `chunk ${c.chunk_id} loaded exactly its planned rows`);
    }
    // The chunks the killed worker held were taken back and completed by another, on a later attempt.
    const reclaimed = chunks.filter((c) => c.last_error?.startsWith(`worker ${victim!.worker_id} stopped responding`));
    assert.ok(reclaimed.length >= 1, 'the chunks it held were taken back');
    for (const c of reclaimed) {
      assert.ok(c.attempts >= 2, `chunk ${c.chunk_id}: ${c.attempts} attempts recorded`);
      assert.notEqual(c.worker_id, victim!.worker_id, `chunk ${c.chunk_id} completed by a surviving worker`);
    }
    const otherwise = chunks.filter((c) => !reclaimed.includes(c));
    assert.ok(otherwise.every((c) => c.attempts === 1), 'no other chunk needed a second attempt');
    const byWorker = new Set(chunks.map((c) => c.worker_id));
    assert.equal(byWorker.size, 3, 'all three workers completed chunks');
    const [dead] = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_workers WHERE worker_id = $1`, [victim!.worker_id]);
    assert.equal(dead!.status, 'dead');

    const [t] = await fx.query<{ rows: string; keys: string }>(
      `SELECT count(*) AS rows, count(DISTINCT visit_id) + count(*) FILTER (WHERE visit_id IS NULL) AS keys FROM analytics.factvisitcallperformance_cr`,
    );
    assert.equal(t!.rows, String(ROWS));
    assert.equal(t!.keys, t!.rows, 'no row twice');
    assert.equal(await assertTablesEqual(fx, SOURCE, TARGET, DEMO_COLUMNS), ROWS);
  });

  it('a worker refuses a planned run nobody started (exit 2), and exits 0 when the run is already completed', async () => {
    fx.setFaults({ delayMs: 0 });
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 2000 });
    assert.equal((await fx.cli(['plan', '--config', config])).code, 0);
    const refused = await fx.cli(['worker', '--config', config]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /planned but was never started: start it with "thaw start"/);
    const [written] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_workers`);
    assert.equal(written!.n, '0', 'nothing was written');

    const done = await fx.cli(['start', '--config', config]);
    assert.equal(done.code, 0, done.stderr);
    const late = await fx.cli(['worker', '--config', config]);
    assert.equal(late.code, 0, late.stderr);
    assert.match(late.stdout, /run \S+ is completed: no chunk left to claim/);
  });

  it('a worker stopped by SIGTERM (a pod ending) finishes its chunks in flight and leaves the run in progress for the next worker', async () => {
    const config = await fx.writeConfig([DEMO_TABLE_SPEC], { batch_size: 200, parallel_threads: 2 });
    const started = await fx.cli(['start', '--config', config, '--detach', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const runId = String(started.events.find((e) => e.event === 'run/started')?.runId);
    const first = fx.startCli(['worker', '--run', runId, '--config', config, '--json']);
    await waitFor(async () => Number((await workerRows(fx, runId))[0]?.completed ?? 0) >= 3, 'three completed chunks');
    first.child.kill('SIGTERM');
    const left = await first.done;
    assert.equal(left.code, 1, 'the run did not finish here');
    assert.equal(left.events.find((e) => e.event === 'run/finished')?.status, 'in_progress');
    const [state] = await fx.query<{ status: string; in_flight: string; worker: string }>(
      `SELECT r.status,
              (SELECT count(*) FROM migration_status.migration_chunk_status WHERE run_id = r.run_id AND status = 'in_progress') AS in_flight,
              (SELECT status FROM migration_status.migration_workers WHERE run_id = r.run_id) AS worker
       FROM migration_status.migration_runs r WHERE r.run_id = $1`,
      [runId],
    );
    assert.deepEqual({ ...state }, { status: 'in_progress', in_flight: '0', worker: 'stopped' }, 'its chunks finished, the run still open');

    fx.setFaults({ delayMs: 0 });
    const next = await fx.cli(['worker', '--run', runId, '--config', config]);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, new RegExp(`run ${runId} joined`));
    const [t] = await fx.query<{ rows: string }>(`SELECT count(*) AS rows FROM analytics.factvisitcallperformance_cr`);
    assert.equal(t!.rows, String(ROWS));
  });
});
