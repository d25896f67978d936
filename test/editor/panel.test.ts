// The progress panel in a real editor (code-server + Chromium), asserting on the webview's DOM:
// a running migration's panel follows it to 100%; a chunk failed by an emulator fault shows in the
// map and in the failed list, and its Retry button gets it completed; the threads control changes
// the worker's concurrency in the status tables; after a window reload the panel is back with its
// data. Screenshots of the panel mid-run, dark and light, go to docs/screenshots/ for the README.
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { createEditorWorkspace, DEMO_TABLE_SPEC, openEditor, type EditorSession, type EditorWorkspace } from './harness';
import { docScreenshot, newestRun, ONE_DAY, STATUS } from './ui/migrationSteps';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROWS = 8_000;

/** What findFailedCell touches of the page's canvas (the tests' TypeScript has no DOM library). */
interface PageCanvas {
  width: number;
  height: number;
  clientWidth: number;
  ownerDocument: {
    body: unknown;
    defaultView: { getComputedStyle(e: unknown): { getPropertyValue(name: string): string } };
    createElement(tag: 'canvas'): PageCanvas;
  };
  getContext(kind: '2d'): {
    fillStyle: string;
    fillRect(x: number, y: number, w: number, h: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

/**
 * Runs in the webview: the position (CSS px) of a pixel of the chunk map in the failed colour,
 * or null. The colour is the theme's, resolved by painting it on a scratch canvas.
 */
function findFailedCell(element: unknown): { x: number; y: number } | null {
  const canvas = element as PageCanvas;
  const doc = canvas.ownerDocument;
  const want = doc.defaultView.getComputedStyle(doc.body).getPropertyValue('--thaw-chunk-failed').trim();
  const probe = doc.createElement('canvas').getContext('2d');
  probe.fillStyle = want;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = Array.from(probe.getImageData(0, 0, 1, 1).data);
  const ratio = canvas.width / canvas.clientWidth;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) {
      const p = i / 4;
      return { x: (p % canvas.width) / ratio + 1, y: Math.floor(p / canvas.width) / ratio + 1 };
    }
  }
  return null;
}

describe('editor: the progress panel', function () {
  this.timeout(600_000);
  let world: EditorWorkspace;
  let editor: EditorSession;
  let panel: Frame;

  before(async function () {
    this.timeout(900_000);
    world = await createEditorWorkspace({ demoRows: ROWS, config: { batch_size: 500, parallel_threads: 2, max_attempts: 2 } });
    editor = await openEditor({ folder: world.folder, name: 'panel', env: world.env });
  });

  after(async function () {
    this.timeout(60_000);
    await editor?.close();
    await world?.close();
  });

  /** Text of an element of the panel. */
  const text = (selector: string) => panel.locator(selector).first().innerText();

  /** Waits until `read` satisfies `ok`, as a named editor step. */
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
    return editor.step(what, what, async () => {
      const deadline = Date.now() + timeoutMs;
      let last: T | undefined;
      for (;;) {
        last = await read().catch(() => last);
        if (last !== undefined && ok(last)) return last;
        if (Date.now() > deadline) throw new Error(`last seen: ${JSON.stringify(last)}`);
        await sleep(300);
      }
    });
  }

  const percent = async () => Number((await text('#percent')).replace('%', ''));

  it('follows a running migration: progress, rates, chunk map, charts; the threads control tunes the worker', async () => {
    // One day fails for good; once the run is under way, slow answers keep it going while the
    // panel is looked at.
    world.fixture.setFaults({ failQueries: [{ pattern: ONE_DAY, count: 1_000_000, kind: 'sql' }] });
    await editor.runCommand('Migration: Start');
    await newestRun(editor, world);
    world.fixture.setFaults({ delayMs: 400 });
    await editor.runCommand('Migration: Show Progress');
    panel = await editor.waitForWebview(/Chunks[\s\S]*Throughput/);

    const seen: number[] = [];
    await until('the panel shows progress between 0% and 100%', async () => {
      seen.push(await percent());
      return seen[seen.length - 1]!;
    }, (p) => p > 0 && p < 100);
    assert.match(await text('#rows'), /^[\d,]+ \/ 8,000 rows$/);
    assert.match(await text('#chunks'), /^[\d,]+ \/ [\d,]+ chunks/);
    assert.match(await text('#current-rate'), /rows\/s · [\d.]+ MB\/s/);
    assert.match(await text('#source'), /live from this window’s worker/);

    await panel.locator('#threads input').fill('4');
    await panel.locator('#tune-apply').click();
    await until('the panel confirms the tuning', () => text('#tune-result'), (t) => /Tuned: 4 threads/.test(t));
    const workerThreads = await until(
      "the worker's concurrency in migration_workers follows the threads control",
      async () => (await world.fixture.query<{ threads: number }>(`SELECT threads FROM ${STATUS}.migration_workers WHERE status = 'running'`))[0]?.threads,
      (t) => t === 4,
      30_000,
    );
    assert.equal(workerThreads, 4);
    const [run] = await world.fixture.query<{ parallel_threads: number }>(`SELECT parallel_threads FROM ${STATUS}.migration_runs`);
    assert.equal(run!.parallel_threads, 4);
    await until('the throughput chart marks the tuning change', async () => (await panel.locator('#throughput-chart').getAttribute('aria-label')) ?? '', (l) => /1 tuning change/.test(l));

    // The README's screenshots, mid-run (answers slowed right down meanwhile): the whole panel in a
    // window tall enough for it, without side bars or toasts, dark and light.
    world.fixture.setFaults({ delayMs: 6000 });
    await editor.runCommand('View: Close Primary Side Bar');
    if (await editor.page.locator('.part.auxiliarybar').isVisible()) await editor.runCommand('View: Toggle Secondary Side Bar Visibility');
    await editor.runCommand('Notifications: Clear All Notifications');
    await editor.page.setViewportSize({ width: 1400, height: 1560 });
    for (const [theme, kind] of [['Dark Modern', 'dark'], ['Light Modern', 'light']] as const) {
      await editor.runCommand('Preferences: Color Theme');
      await editor.pickQuickPick(new RegExp(`^${theme}\\b`));
      await until(`the panel follows the ${kind} theme`, async () => (await panel.locator('body').getAttribute('class')) ?? '', (c) => c.includes(`vscode-${kind}`));
      await sleep(800);
      await docScreenshot(editor, `panel-${kind}`);
    }
    await editor.page.setViewportSize({ width: 1600, height: 1000 });
    assert.equal(await text('#status'), 'in progress', 'the screenshots show the run mid-way');

    world.fixture.setFaults({ delayMs: 0 });
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress never went back');
  });

  it('shows a chunk failed by the fault in the map and the failed list; its Retry button completes it and the run reaches 100%', async () => {
    const failedItem = panel.locator('#failed li[data-chunk-id]');
    await until('the failed list shows the failed chunk', () => failedItem.count(), (n) => n === 1);
    const [chunk] = await world.fixture.query<{ chunk_id: number; status: string; error_code: string }>(
      `SELECT chunk_id, status, error_code FROM ${STATUS}.migration_chunk_status WHERE partition_value = '2023-11-05'`,
    );
    assert.equal(chunk!.status, 'failed');
    assert.equal(await failedItem.getAttribute('data-chunk-id'), String(chunk!.chunk_id));
    assert.match(await text('#failed .failed-group'), new RegExp(`\\[${chunk!.error_code}\\]`));

    // The map: a cell in the failed colour, whose hover names the chunk, its state and error.
    const cell = await until(
      'the chunk map draws a failed cell',
      () =>
        panel.locator('#chunk-map').evaluate(findFailedCell),
      (c) => c !== null,
    );
    await panel.locator('#chunk-map').hover({ position: cell! });
    const tip = await until('the hover shows the failed chunk', () => text('#map-tip'), (t) => t.includes(`Chunk ${chunk!.chunk_id}`));
    assert.match(tip, /failed/);
    assert.match(tip, new RegExp(chunk!.error_code));
    assert.match(tip, /2023-11-05/);
    await panel.locator('#chunk-map').click({ position: cell! });
    assert.match(await text('[data-testid="selected-chunk"]'), new RegExp(`Selected chunk ${chunk!.chunk_id}, 2023-11-05, .*failed`));

    await until('the run ends with the failed chunk', () => text('#status'), (s) => s === 'failed' || s === 'stopped');
    world.fixture.setFaults({ failQueries: [] });
    // The run's end notification sits over the panel's bottom right, where the button is.
    await editor.runCommand('Notifications: Clear All Notifications');
    await failedItem.locator('vscode-button').click();
    await until('the panel reaches 100%', percent, (p) => p === 100);
    await until('the failed list empties', () => text('#failed'), (t) => /No failed chunks/.test(t));
    await until('the run reads completed', () => text('#status'), (s) => s === 'completed');
    const [rows] = await world.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM ${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`);
    assert.equal(Number(rows!.n), ROWS);
  });

  it('comes back after a window reload with its data, without being opened again', async () => {
    await editor.reload();
    panel = await editor.waitForWebview(/Chunks[\s\S]*Throughput/);
    await until('the restored panel shows the run at 100%', percent, (p) => p === 100);
    assert.match(await text('#rows'), /^8,000 \/ 8,000 rows$/);
    assert.equal(await text('#status'), 'completed');
    const drawn = await panel.locator('#chunk-map').evaluate((canvas) => (canvas as unknown as { height: number }).height > 1);
    assert.ok(drawn, 'the chunk map is drawn again');
  });
});
