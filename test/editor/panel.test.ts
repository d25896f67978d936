// The progress panel in a real editor (code-server + Chromium), asserting on the webview's DOM:
// a running migration's panel follows it to 100%; a chunk failed by an emulator fault shows in the
// map and in the failed list, and its Retry button gets it completed; the threads control changes
// the worker's concurrency in the status tables; after a window reload the panel is back with its
// data. Screenshots of the panel mid-run, dark and light, go to docs/screenshots/ for the README.
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { DEMO_TABLE_SPEC, useEditorWorld } from './harness';
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

/** Runs in the webview: the focused element's id, else its accessible name, else its tag. */
function focusedName(): string {
  const el = (globalThis as unknown as { document: { activeElement: PageElement | null } }).document.activeElement;
  if (!el) return '';
  return el.id || el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName.toLowerCase();
}

/** What unnamedControls touches of the page's elements. */
interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/**
 * Runs in the webview: every control, chart, group and progress bar without an accessible name
 * (aria-label, aria-labelledby, a <vscode-label for>, or its own text for a button).
 */
function unnamedControls(): string[] {
  const doc = (globalThis as unknown as {
    document: { querySelectorAll(s: string): ArrayLike<PageElement>; getElementById(id: string): PageElement | null; querySelector(s: string): PageElement | null };
  }).document;
  // No named inner functions: the test's compiler would wrap them in a helper the page does not have.
  const unnamed: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('button, vscode-button, vscode-textfield, vscode-progress-bar, [tabindex], [role="img"], [role="group"], section'))) {
    const by = el.getAttribute('aria-labelledby');
    const named =
      !!el.getAttribute('aria-label')?.trim() ||
      (!!by && !!doc.getElementById(by)?.textContent?.trim()) ||
      (!!el.id && !!doc.querySelector(`vscode-label[for="${el.id}"]`)?.textContent?.trim()) ||
      (/^(BUTTON|VSCODE-BUTTON)$/.test(el.tagName) && !!el.textContent?.trim());
    if (!named) unnamed.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`);
  }
  return unnamed;
}

describe('editor: the progress panel', function () {
  this.timeout(600_000);
  const opened = useEditorWorld('panel', { demoRows: ROWS, config: { batch_size: 500, parallel_threads: 2, max_attempts: 2 } });
  let panel: Frame;

  /** Text of an element of the panel. */
  const text = (selector: string) => panel.locator(selector).first().innerText();

  /** Waits until `read` satisfies `ok`, as a named editor step. */
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
    return opened.editor.step(what, what, async () => {
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

  /** The status bar item's line, and the same figures as the panel shows them (percent, current rows/s, ETA). */
  async function statusBarAndPanel(): Promise<{ bar: string; panel: string }> {
    const bar = (await opened.editor.page.locator('.statusbar-item[id$="thaw.run"]').first().innerText()).trim();
    const rate = (await text('#current-rate')).split(' · ')[0];
    return { bar, panel: `${await text('#percent')} · ${rate} · ETA ${await text('#eta')}` };
  }

  it('follows a running migration: progress, rates, chunk map, charts; the threads control tunes the worker', async () => {
    // One day fails for good; once the run is under way, slow answers keep it going while the
    // panel is looked at.
    opened.world.fixture.setFaults({ failQueries: [{ pattern: ONE_DAY, count: 1_000_000, kind: 'sql' }] });
    await opened.editor.runCommand('Migration: Start');
    await newestRun(opened.editor, opened.world);
    opened.world.fixture.setFaults({ delayMs: 400 });
    await opened.editor.runCommand('Migration: Show Progress');
    panel = await opened.editor.waitForWebview(/Chunks[\s\S]*Throughput/);

    const seen: number[] = [];
    await until('the panel shows progress between 0% and 100%', async () => {
      seen.push(await percent());
      return seen[seen.length - 1]!;
    }, (p) => p > 0 && p < 100);
    assert.match(await text('#rows'), /^[\d,]+ \/ 8,000 rows$/);
    assert.match(await text('#chunks'), /^[\d,]+ \/ [\d,]+ chunks/);
    assert.match(await text('#current-rate'), /rows\/s · [\d.]+ MB\/s/);
    assert.match(await text('#source'), /live from this window’s worker/);

    // The status bar shows the panel's figures (one feed, one snapshot), at several moments mid-run.
    const agreed = new Set<string>();
    while (agreed.size < 3) {
      const seenThen = await until(
        `the status bar and the panel agree mid-run (${agreed.size + 1} of 3)`,
        statusBarAndPanel,
        (a) => a.bar === a.panel && !agreed.has(a.bar) && /^(?!0%|100%)[\d.]+% · /.test(a.bar),
        60_000,
      );
      agreed.add(seenThen.bar);
    }

    await panel.locator('#threads input').fill('4');
    await panel.locator('#tune-apply').click();
    await until('the panel confirms the tuning', () => text('#tune-result'), (t) => /Tuned: 4 threads/.test(t));
    const workerThreads = await until(
      "the worker's concurrency in migration_workers follows the threads control",
      async () => (await opened.world.fixture.query<{ threads: number }>(`SELECT threads FROM ${STATUS}.migration_workers WHERE status = 'running'`))[0]?.threads,
      (t) => t === 4,
      30_000,
    );
    assert.equal(workerThreads, 4);
    const [run] = await opened.world.fixture.query<{ parallel_threads: number }>(`SELECT parallel_threads FROM ${STATUS}.migration_runs`);
    assert.equal(run!.parallel_threads, 4);
    await until('the throughput chart marks the tuning change', async () => (await panel.locator('#throughput-chart').getAttribute('aria-label')) ?? '', (l) => /1 tuning change/.test(l));

    // The README's screenshots, mid-run (answers slowed right down meanwhile): the whole panel in a
    // window tall enough for it, without side bars or toasts, dark and light.
    opened.world.fixture.setFaults({ delayMs: 6000 });
    await opened.editor.runCommand('View: Close Primary Side Bar');
    if (await opened.editor.page.locator('.part.auxiliarybar').isVisible()) await opened.editor.runCommand('View: Toggle Secondary Side Bar Visibility');
    await opened.editor.runCommand('Notifications: Clear All Notifications');
    await opened.editor.page.setViewportSize({ width: 1400, height: 1560 });
    for (const [theme, kind] of [['Dark Modern', 'dark'], ['Light Modern', 'light']] as const) {
      await opened.editor.runCommand('Preferences: Color Theme');
      await opened.editor.pickQuickPick(new RegExp(`^${theme}\\b`));
      await until(`the panel follows the ${kind} theme`, async () => (await panel.locator('body').getAttribute('class')) ?? '', (c) => c.includes(`vscode-${kind}`));
      await sleep(800);
      await docScreenshot(opened.editor, `panel-${kind}`);
    }
    await opened.editor.page.setViewportSize({ width: 1600, height: 1000 });
    assert.equal(await text('#status'), 'in progress', 'the screenshots show the run mid-way');

    opened.world.fixture.setFaults({ delayMs: 0 });
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress never went back');
  });

  it('shows a chunk failed by the fault in the map and the failed list; its Retry button completes it and the run reaches 100%', async () => {
    const failedItem = panel.locator('#failed li[data-chunk-id]');
    await until('the failed list shows the failed chunk', () => failedItem.count(), (n) => n === 1);
    const [chunk] = await opened.world.fixture.query<{ chunk_id: number; status: string; error_code: string }>(
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

    // Keyboard and screen readers: from the threads field, Tab reaches the Apply button, the chunk
    // map and the failed chunk's Retry button; the arrow keys select chunks on the map; every
    // control, chart and group has a name a screen reader reads.
    await panel.locator('#threads').focus();
    const reached: string[] = [];
    for (let i = 0; i < 40 && !reached.includes(`Retry chunk ${chunk!.chunk_id}`); i++) {
      await opened.editor.page.keyboard.press('Tab');
      reached.push(await panel.evaluate(focusedName));
    }
    for (const want of ['tune-apply', 'chunk-map', `Retry chunk ${chunk!.chunk_id}`]) {
      assert.ok(reached.includes(want), `Tab reaches ${want}; it reached ${JSON.stringify(reached)}`);
    }
    await panel.locator('#chunk-map').focus();
    await opened.editor.page.keyboard.press('Home');
    await until('Home on the chunk map selects its first chunk', () => text('[data-testid="selected-chunk"]'), (t) => /^Selected chunk \d+/.test(t));
    const first = await text('[data-testid="selected-chunk"]');
    await opened.editor.page.keyboard.press('ArrowRight');
    await until('ArrowRight selects the next chunk', () => text('[data-testid="selected-chunk"]'), (t) => t !== first && /^Selected chunk \d+/.test(t));
    assert.deepEqual(await panel.evaluate(unnamedControls), [], 'every control, chart and group of the panel has an accessible name');

    await until('the run ends with the failed chunk', () => text('#status'), (s) => s === 'failed' || s === 'stopped');
    opened.world.fixture.setFaults({ failQueries: [] });
    // The run's end notification sits over the panel's bottom right, where the button is.
    await opened.editor.runCommand('Notifications: Clear All Notifications');
    await failedItem.locator('vscode-button').click();
    await until('the panel reaches 100%', percent, (p) => p === 100);
    await until('the failed list empties', () => text('#failed'), (t) => /No failed chunks/.test(t));
    await until('the run reads completed', () => text('#status'), (s) => s === 'completed');
    const [rows] = await opened.world.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM ${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`);
    assert.equal(Number(rows!.n), ROWS);
  });

  it('comes back after a window reload with its data, without being opened again', async () => {
    await opened.editor.reload();
    panel = await opened.editor.waitForWebview(/Chunks[\s\S]*Throughput/);
    await until('the restored panel shows the run at 100%', percent, (p) => p === 100);
    assert.match(await text('#rows'), /^8,000 \/ 8,000 rows$/);
    assert.equal(await text('#status'), 'completed');
    const drawn = await panel.locator('#chunk-map').evaluate((canvas) => (canvas as unknown as { height: number }).height > 1);
    assert.ok(drawn, 'the chunk map is drawn again');
  });

  it('marks a tuning change made with `thaw tune` on a run the CLI executed, in a panel opened afterwards', async () => {
    // The same config again (truncate_onstart), now from the command line, slowed so that it can be tuned.
    opened.world.fixture.setFaults({ delayMs: 300 });
    const cli = opened.world.fixture.startCli(['start', '--config', opened.world.configPath, '--json']);
    const started = (await cli.waitForEvent((e) => e.event === 'run/started', 120_000)) as { runId: string };
    const tune = await opened.world.fixture.cli(['tune', '--config', opened.world.configPath, '--run', started.runId, '--threads', '3']);
    assert.equal(tune.code, 0, tune.stderr);
    opened.world.fixture.setFaults({ delayMs: 0 });
    const end = await cli.done;
    assert.equal(end.code, 0, end.stderr);
    const tunings = await opened.world.fixture.query<{ parallel_threads: number }>(`SELECT parallel_threads FROM ${STATUS}.migration_run_tunings WHERE run_id = $1`, [started.runId]);
    assert.deepEqual(tunings, [{ parallel_threads: 3 }], 'the tune is recorded in the status tables');

    await opened.editor.runCommand('Migration: Show Progress');
    // With two runs listed and none running, Show Progress asks which (after reading the status
    // tables, slow on a loaded machine); the tree may still list this one as running, and then it
    // opens at once. Whichever comes first: the run offered in the quick pick, or its panel.
    const wanted = new RegExp(`Run ${started.runId}[\\s\\S]*Throughput`);
    panel = await opened.editor.step('open the CLI run\'s panel, picking the run if asked', `a quick pick offering ${started.runId} or its panel`, async () => {
      const deadline = Date.now() + 120_000;
      let picked = false;
      for (;;) {
        if (!picked && (await opened.editor.quickPickItems()).some((l) => l.includes(started.runId))) {
          await opened.editor.pickQuickPick(new RegExp(started.runId), 5_000);
          picked = true;
        }
        const look = await opened.editor.webviewShowing(wanted);
        if (look.frame) return look.frame;
        if (Date.now() > deadline) throw new Error(`no quick pick offered the run; webviews show ${JSON.stringify(look.seen)}`);
        await sleep(300);
      }
    });
    await until('the CLI run\'s panel reaches 100%', percent, (p) => p === 100);
    assert.match(await text('#source'), /from the status tables/);
    await until('its throughput chart marks the tune', async () => (await panel.locator('#throughput-chart').getAttribute('aria-label')) ?? '', (l) => /1 tuning change/.test(l));
  });
});
