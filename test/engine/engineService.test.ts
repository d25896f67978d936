// EngineService on its own, in this process (no worker, no IPC): it executes a run and, while the
// run goes on, answers reads and control requests, the way a long-lived editor worker must.
import assert from 'node:assert/strict';
import { Events, type DataOf, type EventDescriptor } from '../../src/protocol/engine';
import { EngineService } from '../../src/engine/service';
import { createFixture, type Fixture } from '../support/migration';

interface Heard {
  event: string;
  data: unknown;
}

describe('EngineService (in process)', function () {
  let fx: Fixture;
  let service: EngineService | undefined;
  const heard: Heard[] = [];
  const emit = <E extends EventDescriptor>(e: E, data: DataOf<E>) => void heard.push({ event: e.event, data });
  const finished = () =>
    new Promise<DataOf<typeof Events.runFinished>>((resolve) => {
      const poll = setInterval(() => {
        const end = heard.find((h) => h.event === Events.runFinished.event);
        if (end) {
          clearInterval(poll);
          resolve(end.data as DataOf<typeof Events.runFinished>);
        }
      }, 20);
    });

  before(async () => {
    fx = await createFixture({ demoRows: 10 });
    await fx.emulator.sql('CREATE TABLE main.IDS AS SELECT range AS ID FROM range(1, 401)');
  });
  afterEach(async () => {
    fx.setFaults({ delayMs: 0 });
    await service?.close();
    heard.length = 0;
  });
  after(async () => fx?.close());

  it('serves reads, tune and stop while its run executes; the run ends stopped and resumable', async () => {
    service = new EngineService(emit, { env: { ...process.env, ...fx.env } });
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'service', split_column: 'ID' }], { batch_size: 20, parallel_threads: 1 });
    const { runId } = await service.handlers.start({ configPath: config });
    fx.setFaults({ delayMs: 300 });

    const [run] = await service.handlers.listRuns({ configPath: config });
    assert.deepEqual([run!.runId, run!.status], [runId, 'in_progress'], 'read while the run executes');
    const workers = await service.handlers.listWorkers({ configPath: config, runId });
    assert.deepEqual(workers.map((w) => [w.pid, w.status]), [[process.pid, 'running']]);
    const tuned = await service.handlers.tune({ configPath: config, threads: 2 });
    assert.deepEqual([tuned.runId, tuned.threads], [runId, 2]);
    await assert.rejects(service.handlers.start({ configPath: config }), /already running run/);
    assert.deepEqual(await service.handlers.stop({ configPath: config }), { runId });

    const end = await finished();
    assert.equal(end.status, 'stopped');
    assert.ok(end.rowsLoaded < 400 && end.rowsLoaded === end.rowsLoadedHere, `${end.rowsLoaded} rows loaded`);
    const tables = await service.handlers.listTables({ configPath: config, runId });
    assert.equal(tables[0]!.rowsLoaded, end.rowsLoaded, 'the final report is what the status tables say');
    const statuses = heard.filter((h) => h.event === Events.workerStatus.event).map((h) => (h.data as { health: string }).health);
    assert.deepEqual(statuses, ['ok', 'stopped'], 'health: running, then stopped');
    const started = heard.find((h) => h.event === Events.runStarted.event)!.data as { configPath: string };
    assert.equal(started.configPath, config);

    heard.length = 0;
    fx.setFaults({ delayMs: 0 });
    await service.handlers.resume({ configPath: config });
    const resumed = await finished();
    assert.deepEqual([resumed.status, resumed.rowsLoaded, resumed.rowsLoadedHere], ['completed', 400, 400 - end.rowsLoaded], 'the final rate counts only rows loaded here');
  });

  it('abandons a run through the status tables', async () => {
    service = new EngineService(emit, { env: { ...process.env, ...fx.env } });
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'abandoned', split_column: 'ID' }], { batch_size: 100 }, 'abandon.json');
    const outcome = await service.handlers.plan({ configPath: config });
    assert.deepEqual(outcome.tables.map((t) => t.tableOrdinal), [1], 'plan tables carry their ordinal');
    assert.deepEqual(await service.handlers.abandon({ configPath: config }), { runId: outcome.runId });
    const [run] = await service.handlers.listRuns({ configPath: config });
    assert.deepEqual([run!.runId, run!.status, run!.etaSeconds], [outcome.runId, 'abandoned', null]);
  });

  it('abandoning a run it executes announces every chunk the abandon takes back (chunk/stateChanged)', async () => {
    service = new EngineService(emit, { env: { ...process.env, ...fx.env } });
    const config = await fx.writeConfig([{ source_table: 'IDS', target_schema: 'abandon_live', split_column: 'ID' }], { batch_size: 20, parallel_threads: 3 }, 'abandon-live.json');
    fx.setFaults({ delayMs: 400 });
    const { runId } = await service.handlers.start({ configPath: config });
    const loading = async () => {
      const rows = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'in_progress'`, [runId]);
      return Number(rows[0]!.n);
    };
    while ((await loading()) < 2) await new Promise((r) => setTimeout(r, 20));

    const before = heard.length;
    assert.deepEqual(await service.handlers.abandon({ configPath: config, runId }), { runId });
    // What was announced by the time the request was answered, not what the run's own worker says later.
    const announced = heard
      .slice(before)
      .filter((h) => h.event === Events.chunkStateChanged.event)
      .map((h) => h.data as DataOf<typeof Events.chunkStateChanged>)
      .filter((e) => e.status === 'pending');
    const released = await fx.query<{ chunk_id: number; table_ordinal: number; attempts: number }>(
      `SELECT chunk_id, table_ordinal, attempts FROM migration_status.migration_chunk_status
       WHERE run_id = $1 AND status = 'pending' AND last_error = 'abandoned by user' ORDER BY chunk_id`,
      [runId],
    );
    assert.ok(released.length >= 2, `${released.length} chunks were in flight when the run was abandoned`);
    assert.deepEqual(
      announced.map((e) => [e.runId, e.chunkId, e.tableOrdinal, e.status, e.attempts]),
      released.map((r) => [runId, r.chunk_id, r.table_ordinal, 'pending', r.attempts]),
    );
    const end = await finished();
    assert.equal(end.status, 'abandoned');
  });
});
