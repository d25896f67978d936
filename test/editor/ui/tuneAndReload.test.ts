// While a run executes in the editor: Stop is offered in the view (context keys), "Migration: Tune
// Threads and Batch Size" changes the worker's concurrency as the status tables show, and a window
// reload mid-run loses nothing: the tree comes back and the run finishes.
import assert from 'node:assert/strict';
import { DEMO_TABLE_SPEC, useEditorWorld } from '../harness';
import { answerPrompt, newestRun, rowCount, setFaults, showMigrationsView, viewAction, waitForRunState, waitVisible } from './migrationSteps';

const ROWS = 2_000;
const TARGET = `${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('editor: Tune and a window reload during a run', function () {
  const ui = useEditorWorld('tune-reload', { demoRows: ROWS, config: { batch_size: 100, parallel_threads: 2 } });

  it('tunes threads live, survives a reload, and completes the run', async function () {
    this.timeout(600_000);
    const e = ui.editor;
    const w = ui.world;
    // Slow answers keep the run going long enough to tune it and reload the window.
    await setFaults(w, { delayMs: 200 });
    await e.runCommand('Migration: Start');
    const run = await newestRun(e, w);
    await showMigrationsView(e);
    await e.waitForTreeItem(run.run_id, 60_000);
    await waitVisible(e, 'the Stop action of the view', viewAction(e, 'Stop'));

    await e.runCommand('Migration: Tune Threads and Batch Size');
    await answerPrompt(e, /^Threads/, '5');
    await answerPrompt(e, /^Batch size/, '');
    let threads = 0;
    let inFlight = 0;
    for (let i = 0; i < 120 && (threads <= 2 || inFlight < 3); i++) {
      const [worker] = await w.fixture.query<{ threads: number }>(`SELECT threads FROM migration_status.migration_workers WHERE run_id = $1 AND status = 'running'`, [run.run_id]);
      const [chunks] = await w.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'in_progress'`, [run.run_id]);
      threads = worker?.threads ?? threads;
      inFlight = Math.max(inFlight, Number(chunks!.n));
      await sleep(250);
    }
    const [tuned] = await w.fixture.query<{ parallel_threads: number }>(`SELECT parallel_threads FROM migration_status.migration_runs WHERE run_id = $1`, [run.run_id]);
    assert.equal(tuned!.parallel_threads, 5, 'the run records the tuned threads');
    // The worker's effective threads follow the tuned value (its memory guard may hold one back).
    assert.ok(threads > 2 && threads <= 5, `the worker's threads went from 2 to ${threads}, toward the tuned 5`);
    assert.ok(inFlight >= 3, `chunks in flight at once after tuning: ${inFlight}`);

    const [before] = await w.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'completed'`, [run.run_id]);
    const [total] = await w.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE run_id = $1`, [run.run_id]);
    assert.ok(Number(before!.n) < Number(total!.n), 'the run is still going when the window reloads');

    await e.reload();
    await setFaults(w, { delayMs: 20 });
    await showMigrationsView(e);
    await e.waitForTreeItem(run.run_id, 60_000);
    assert.equal(await waitForRunState(w, run.run_id, ['completed', 'failed']), 'completed');
    assert.equal(await rowCount(w, TARGET), ROWS, 'the target holds every source row, none twice');
    await waitVisible(e, 'the run at 100% in the tree', e.page.locator('.monaco-list-row[role="treeitem"]', { hasText: run.run_id }).filter({ hasText: /100%/ }), 60_000);
    await waitVisible(e, 'the Start action of the view once no run is active', viewAction(e, 'Start'));
  });
});
