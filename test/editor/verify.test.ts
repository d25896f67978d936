// "Migration: Verify" in a real editor (code-server + Chromium), asserting on the progress
// panel's DOM: a finished demo run verified from the Command Palette shows "equal" per table with
// its partitions and the time checked; after a target row is deleted, Verify from the run's
// context menu in the tree names the mismatching partition in the panel.
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { createEditorWorkspace, DEMO_TABLE_SPEC, openEditor, type EditorSession, type EditorWorkspace } from './harness';
import { newestRun, showMigrationsView, STATUS, waitForRunState, waitVisible } from './ui/migrationSteps';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROWS = 3_000;
const TARGET = `${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`;

describe('editor: Migration: Verify', function () {
  this.timeout(600_000);
  let world: EditorWorkspace;
  let editor: EditorSession;
  let panel: Frame;
  let runId: string;

  before(async function () {
    this.timeout(900_000);
    world = await createEditorWorkspace({ demoRows: ROWS, config: { batch_size: 1000, parallel_threads: 2 } });
    editor = await openEditor({ folder: world.folder, name: 'verify', env: world.env });
  });

  after(async function () {
    this.timeout(60_000);
    await editor?.close();
    await world?.close();
  });

  const text = (selector: string) => panel.locator(selector).first().innerText();

  async function until(what: string, read: () => Promise<string>, ok: (v: string) => boolean, timeoutMs = 180_000): Promise<string> {
    return editor.step(what, what, async () => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        last = await read().catch(() => last);
        if (ok(last)) return last;
        if (Date.now() > deadline) throw new Error(`last seen: ${JSON.stringify(last)}`);
        await sleep(300);
      }
    });
  }

  it('verifies a finished run from the palette; the panel shows equal per table, its partitions and when', async () => {
    await editor.runCommand('Migration: Start');
    runId = (await newestRun(editor, world)).run_id;
    assert.equal(await waitForRunState(world, runId, ['completed', 'failed']), 'completed');
    await editor.runCommand('Migration: Show Progress');
    panel = await editor.waitForWebview(/Verification against the source/);
    await until('the panel says the run is not verified yet', () => text('#verification'), (t) => /Not verified yet/.test(t));

    const before = Date.now();
    await editor.runCommand('Migration: Verify');
    const summary = await until('the panel shows the verification result', () => text('[data-testid="verify-summary"]'), (t) => /^Equal to the source · checked /.test(t));
    const [stored] = await world.fixture.query<{ finished_at: Date; partitions: string }>(
      `SELECT v.finished_at, (SELECT count(*) FROM ${STATUS}.migration_verify_partitions p WHERE p.verify_id = v.verify_id) AS partitions
       FROM ${STATUS}.migration_verifications v ORDER BY finished_at DESC LIMIT 1`,
    );
    assert.ok(stored!.finished_at.getTime() >= before - 1000, 'the result is the new verification');
    assert.ok(summary.includes(String(stored!.finished_at.getFullYear())), `the time checked is shown: ${summary}`);
    const partitions = Number(stored!.partitions);
    assert.equal(
      await text(`.verify-table[data-target="${TARGET}"] .table-name`),
      `${TARGET} · ${partitions.toLocaleString('en-US')} equal, 0 mismatching of ${partitions.toLocaleString('en-US')} partitions`,
    );
    assert.match(await text(`.verify-table[data-target="${TARGET}"] .muted`), new RegExp(`^${ROWS.toLocaleString('en-US')} source rows · ${ROWS.toLocaleString('en-US')} target rows$`));
  });

  it('after a target row is deleted, Verify from the run in the tree names the mismatching partition in the panel', async () => {
    const [row] = await world.fixture.query<{ visit_id: string; d: string }>(
      `SELECT visit_id, to_char(visit_date, 'YYYY-MM-DD') AS d FROM ${TARGET} WHERE visit_date IS NOT NULL ORDER BY visit_id LIMIT 1`,
    );
    await world.fixture.query(`DELETE FROM ${TARGET} WHERE visit_id = $1`, [row!.visit_id]);

    await showMigrationsView(editor);
    const item = await editor.waitForTreeItem(runId, 60_000);
    await editor.step('open the run’s context menu', 'a context menu on the run row', () => item.click({ button: 'right' }));
    const verifyAction = editor.page.locator('.monaco-menu .action-label', { hasText: /^Verify$/ });
    await waitVisible(editor, 'the Verify action in the run’s context menu', verifyAction);
    // Chosen by hover + Enter: a click can land while the menu still ignores the right-click's own
    // mouse-up (a slow machine makes that window long), leaving the menu open and nothing run.
    await editor.step('choose Verify', 'the Verify menu item', async () => {
      await verifyAction.first().hover();
      await editor.page.keyboard.press('Enter');
    });

    // Verify brings the run's panel to the front with the new result.
    panel = await editor.waitForWebview(/differ from the source/, 180_000);
    await until('the panel shows the mismatching partition', () => text('[data-testid="verify-summary"]'), (t) => /^1 partition\(s\) differ from the source · checked /.test(t));
    assert.match(await text(`.verify-table[data-target="${TARGET}"] .table-name`), /· [\d,]+ equal, 1 mismatching of [\d,]+ partitions$/);
    const mismatch = await text(`.verify-table[data-target="${TARGET}"] .verify-mismatches li`);
    assert.match(mismatch, new RegExp(`^partition ${row!.d}: source (\\d+) rows, target (\\d+)$`));
    const [, source, target] = /source (\d+) rows, target (\d+)/.exec(mismatch)!;
    assert.equal(Number(source), Number(target) + 1);
  });
});
