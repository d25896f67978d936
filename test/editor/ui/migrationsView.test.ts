// The Migrations view in a real editor, driven as a user drives it: Plan and Start from the
// Command Palette; the tree shows the run, its table and chunk groups; an emulator fault fails a
// chunk, which shows as failed with its error in the tooltip; a click on it offers Retry and Copy
// Error, and the row's inline Retry Chunk button (fault off) completes the run with every source
// row in the target. The README's screenshots come from here (THAW_UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { DEMO_TABLE_SPEC, useEditorWorld } from '../harness';
import { ONE_DAY, docScreenshot, newestRun, rowCount, setFaults, showMigrationsView, treeTooltip, waitForRunState, waitVisible } from './migrationSteps';

const ROWS = 2_000;
const TARGET = `${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`;

describe('editor: Plan, Start, a failed chunk and its Retry in the Migrations view', function () {
  const ui = useEditorWorld('migrations-view', { demoRows: ROWS, config: { batch_size: 500, max_attempts: 2, parallel_threads: 2 } });

  it('plans, starts, shows the failed chunk with its error, and completes it with Retry', async function () {
    this.timeout(600_000);
    const e = ui.editor;
    const w = ui.world;

    // A command invoked in a state where it cannot act says so.
    await e.runCommand('Migration: Abort');
    await e.waitForNotification(/No migration run is active in this window: there is nothing to abort/);

    await e.runCommand('Migration: Plan');
    await waitVisible(e, 'the plan report tab', e.page.locator('.tabs-container .tab', { hasText: /plan-.*\.md/ }), 120_000);
    await waitVisible(e, 'the plan report', e.page.locator('.editor .view-lines', { hasText: /Migration\splan/ }));

    await setFaults(w, { failQueries: [{ pattern: ONE_DAY, count: 1000, kind: 'sql' }] });
    await e.runCommand('Migration: Start');
    const run = await newestRun(e, w);
    await showMigrationsView(e);
    await e.waitForTreeItem(run.run_id, 60_000);
    await e.waitForTreeItem(/^FACTVISITCALLPERFORMANCE_CR → analytics_editor\./, 60_000);

    assert.equal(await waitForRunState(w, run.run_id, ['failed', 'completed']), 'failed');
    await e.waitForNotification(new RegExp(`Migration run ${run.run_id} ended`));
    const [failed] = await w.fixture.query<{ chunk_id: number }>(`SELECT chunk_id FROM migration_status.migration_chunk_status WHERE run_id = $1 AND status = 'failed'`, [run.run_id]);
    const chunkLabel = `chunk ${failed!.chunk_id}`;
    await e.waitForTreeItem(/^failed$/, 30_000);
    await e.waitForTreeItem(/^completed$/, 30_000);
    const tooltip = await treeTooltip(e, chunkLabel, new RegExp(`^Chunk ${failed!.chunk_id}\\b`));
    await docScreenshot(e, 'tree-failed-chunk');
    assert.match(tooltip, /Error: .*FACTVISITCALLPERFORMANCE_CR/s, tooltip);
    assert.match(tooltip, /code: 000603/, tooltip);
    assert.match(tooltip, /attempts: 2/, tooltip);

    await setFaults(w, { failQueries: [] });
    // A click offers Retry and the error.
    await e.clickTreeItem(chunkLabel);
    await e.waitForQuickPickItem(new RegExp(`Retry chunk ${failed!.chunk_id}\\b`));
    await e.waitForQuickPickItem(/Copy error/);
    await e.page.keyboard.press('Escape');
    // The row's own button runs Retry Chunk on it.
    await e.clickTreeItemAction(chunkLabel, 'Retry Chunk');
    await e.waitForNotification(new RegExp(`Migration run ${run.run_id} completed`), 180_000);
    assert.equal(await waitForRunState(w, run.run_id, ['completed', 'failed']), 'completed');
    assert.equal(await rowCount(w, TARGET), ROWS, 'the target holds every source row');
    await e.runCommand('Migration: Open Monitoring Query');
    await e.pickQuickPick(/^dashboard\.sql/, 15_000).catch(async () => {
      // Once in CI the pick was gone before it could be read (focus taken by something unknown):
      // the user would ask again, and so does the test, once.
      console.log('    [editor] the monitoring query pick closed before a choice: asking again');
      await e.runCommand('Migration: Open Monitoring Query');
      await e.pickQuickPick(/^dashboard\.sql/);
    });
    await waitVisible(e, 'the dashboard query in an editor', e.page.locator('.editor .view-lines', { hasText: /migration_table_status/ }));

    await waitVisible(e, 'the run at 100% in the tree', e.page.locator('.monaco-list-row[role="treeitem"]', { hasText: run.run_id }).filter({ hasText: /100%/ }));
  });
});
