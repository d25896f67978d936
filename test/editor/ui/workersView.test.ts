// Workers on other machines in the Migrations view: a run started with `thaw start --detach` and
// executed by two `thaw worker` processes outside the editor shows, under its Workers node, one
// row per worker with its host and pid, threads, RSS and its own rows/s, read from the status
// tables (run/workers).
import assert from 'node:assert/strict';
import type { CliProcess } from '../../support/cli';
import { DEMO_TABLE_SPEC, createEditorWorkspace, openEditor, type EditorSession, type EditorWorkspace } from '../harness';
import { rowCount, setFaults, showMigrationsView, waitVisible } from './migrationSteps';

const ROWS = 4_000;
const TARGET = `${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`;

describe('editor: the workers of a run executed elsewhere', function () {
  let world: EditorWorkspace | undefined;
  let editor: EditorSession | undefined;
  const workers: CliProcess[] = [];

  before(async function () {
    this.timeout(900_000);
    world = await createEditorWorkspace({ demoRows: ROWS, config: { batch_size: 100, parallel_threads: 2 } });
    editor = await openEditor({ folder: world.folder, name: 'workers-view', env: world.env });
  });

  after(async function () {
    this.timeout(60_000);
    for (const w of workers) w.child.kill('SIGKILL');
    await editor?.close();
    await world?.close();
  });

  it('lists each thaw worker with host, pid, threads, RSS and rows/s', async function () {
    this.timeout(600_000);
    const e = editor!;
    const w = world!;
    // Slow answers keep the run going while the editor looks at it.
    await setFaults(w, { delayMs: 500 });
    const started = await w.fixture.cli(['start', '--config', w.configPath, '--detach', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const runId = String(started.events.find((x) => x.event === 'run/started')?.runId);
    workers.push(...[0, 1].map(() => w.fixture.startCli(['worker', '--config', w.configPath, '--json'])));
    for (const p of workers) await p.waitForEvent((x) => x.event === 'run/started');

    await showMigrationsView(e);
    await e.waitForTreeItem(runId, 60_000);
    await e.clickTreeItem('Workers', 60_000);
    const rows = await w.fixture.query<{ host: string; pid: number }>(
      `SELECT host, pid FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running' ORDER BY started_at`,
      [runId],
    );
    assert.equal(rows.length, 2, 'two workers registered');
    for (const r of rows) {
      // The row's label is where the worker runs; its description the live figures, a rate once it completed chunks.
      const row = e.treeItem(`${r.host} pid ${r.pid}`).filter({ hasText: /2 threads · \d+ MB · [1-9][\d.]*k? rows\/s/ });
      await waitVisible(e, `worker ${r.host} pid ${r.pid} with its threads, RSS and rows/s`, row, 90_000);
    }

    await setFaults(w, { delayMs: 0 });
    const ends = await Promise.all(workers.map((p) => p.done));
    for (const end of ends) assert.equal(end.code, 0, end.stderr);
    assert.equal(await rowCount(w, TARGET), ROWS);
  });
});
