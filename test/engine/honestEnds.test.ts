// Whatever ends a worker's share of a run, its worker row is signed off and `run/finished` says
// what the status tables hold. Each phase of the run loop (register, first beat, the claim loop,
// the final report) is made to fail here in turn, in this process against the real PostgreSQL and
// emulator; the failure is a TypeError, the kind of error no one classified.
import assert from 'node:assert/strict';
import { Events, type DataOf, type EventDescriptor } from '../../src/protocol/engine';
import { RunExecutor } from '../../src/engine/run/executeRun';
import { prepareNewRun } from '../../src/engine/run/startRun';
import { openSession, type Session } from '../../src/engine/session';
import { createFixture, type Fixture } from '../support/migration';

type RunFinished = DataOf<typeof Events.runFinished>;
type Phase = 'register' | 'first beat' | 'claim loop' | 'final report';

/** A RunExecutor whose `phase` throws a TypeError; the claim loop fails once 60 rows are in. */
class FailingExecutor extends RunExecutor {
  static phase: Phase;
  private beats = 0;

  protected override async register(): Promise<void> {
    if (FailingExecutor.phase === 'register') throw new TypeError('injected: register');
    await super.register();
  }

  protected override async beat(): Promise<void> {
    this.beats++;
    if (FailingExecutor.phase === 'first beat' && this.beats === 1) throw new TypeError('injected: first beat');
    if (FailingExecutor.phase === 'claim loop' && this.loader.rowsLoadedHere >= 60) throw new TypeError('injected: claim loop');
    await super.beat();
  }

  protected override async drain(): Promise<void> {
    await super.drain();
    // The final report's reads of the status tables fail.
    if (FailingExecutor.phase === 'final report') this.reporter.progress = () => Promise.reject(new TypeError('injected: final report'));
  }
}

describe('honest ends: every exit path of the run loop', function () {
  let fx: Fixture;
  const events: Array<{ event: string; data: unknown }> = [];
  const emit = <E extends EventDescriptor>(e: E, data: DataOf<E>) => void events.push({ event: e.event, data });

  before(async () => {
    fx = await createFixture({ demoRows: 10 });
    // Chunk 1 (ids 1..20) holds a NUL character: with on_nul_character "error" it fails at once.
    await fx.emulator.sql(`CREATE TABLE main.NOTES AS SELECT range AS ID, CASE WHEN range = 15 THEN 'bad' || chr(0) ELSE 'ok' END AS NOTE FROM range(1, 201)`);
  });
  after(async () => fx?.close());

  // The query path: its 20-row chunks finish between two beats, so only the NUL chunk fails (an
  // unload's statements would still be in flight when the claim loop fails, and that chunk, out of
  // attempts, would fail too).
  async function runFailingAt(phase: Phase): Promise<{ finished: RunFinished; runId: string }> {
    events.length = 0;
    const schema = phase.replace(' ', '_');
    const config = await fx.writeConfig([{ source_table: 'NOTES', target_schema: schema, split_column: 'ID' }], { batch_size: 20, parallel_threads: 1, max_attempts: 1, extract_mode: 'query' }, `${schema}.json`);
    const session: Session = await openSession(config, { env: { ...process.env, ...fx.env } });
    try {
      const prepared = await prepareNewRun(session, { append: false });
      FailingExecutor.phase = phase;
      const executor = new FailingExecutor({ session, prepared, emit, stopSignal: new AbortController().signal, abortSignal: new AbortController().signal, tickMs: 100 });
      return { finished: await executor.execute(), runId: prepared.runId };
    } finally {
      await session.close();
    }
  }

  async function truth(runId: string) {
    const [chunks] = await fx.query<{ loaded: string; failed: string }>(
      `SELECT coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS loaded, count(*) FILTER (WHERE status = 'failed') AS failed
       FROM migration_status.migration_chunk_status WHERE run_id = $1`,
      [runId],
    );
    const [run] = await fx.query<{ status: string; error: string | null }>(`SELECT status, error FROM migration_status.migration_runs WHERE run_id = $1`, [runId]);
    const workers = await fx.query<{ status: string }>(`SELECT status FROM migration_status.migration_workers WHERE run_id = $1`, [runId]);
    return { rowsLoaded: Number(chunks!.loaded), failedChunks: Number(chunks!.failed), run: run!, workers: workers.map((w) => w.status) };
  }

  it('a failure mid-run reports the true loaded rows and failed chunks, and closes the run failed with its cause', async () => {
    // The failure comes with a beat (every 100 ms) once 60 rows are in: the emulator answers slowly
    // enough that the remaining chunks outlast a beat (unslowed, a fast run loaded them all first).
    fx.setFaults({ delayMs: 30 });
    const { finished, runId } = await runFailingAt('claim loop').finally(() => fx.setFaults({ delayMs: 0 }));
    const t = await truth(runId);
    // The NUL chunk fails; a chunk still loading when the beat throws fails with it (out of
    // attempts) when a loaded machine slows the 20-row chunks past the 100 ms beat. Either way the
    // report must say what the status tables hold.
    assert.ok(t.rowsLoaded >= 60 && t.failedChunks >= 1 && t.failedChunks <= 2, JSON.stringify(t));
    assert.deepEqual(
      [finished.status, finished.rowsLoaded, finished.failedChunks, finished.rowsLoadedHere, finished.rowsTotal],
      ['failed', t.rowsLoaded, t.failedChunks, t.rowsLoaded, 200],
    );
    assert.match(finished.error!, new RegExp(`injected: claim loop.*${t.failedChunks} chunk\\(s\\) failed`));
    assert.equal(t.run.status, 'failed');
    assert.match(t.run.error!, /injected: claim loop/);
    assert.deepEqual(t.workers, ['stopped']);
    const log = events.filter((e) => e.event === Events.log.event).map((e) => (e.data as { message: string }).message);
    assert.ok(log.some((m) => /stopped on an error: TypeError: injected: claim loop\n\s+at /.test(m)), 'the stack is logged');
  });

  it('a failure of the first beat signs the worker off and reports the run as the status tables have it', async () => {
    const { finished, runId } = await runFailingAt('first beat');
    const t = await truth(runId);
    assert.deepEqual(t.workers, ['stopped']);
    assert.deepEqual([finished.status, finished.rowsLoaded, finished.failedChunks, t.run.status], ['failed', 0, 0, 'failed']);
    assert.match(finished.error!, /injected: first beat/);
  });

  it('a failure before the worker registered still ends in an honest report', async () => {
    const { finished, runId } = await runFailingAt('register');
    const t = await truth(runId);
    assert.deepEqual(t.workers, [], 'no worker row was written');
    assert.deepEqual([finished.status, t.run.status], ['failed', 'failed']);
    assert.match(t.run.error!, /injected: register/);
  });

  it('a failure of the final report still signs the worker off and ends with run/finished', async () => {
    const { finished, runId } = await runFailingAt('final report');
    const t = await truth(runId);
    assert.deepEqual(t.workers, ['stopped']);
    assert.equal(finished.status, 'failed');
    assert.match(finished.error!, /final state unknown: injected: final report/);
    assert.equal(finished.rowsLoadedHere, t.rowsLoaded, 'what this worker knows it loaded');
  });
});
