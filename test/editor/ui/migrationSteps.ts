// Steps the Migrations-view tests share: open the view, switch emulator faults over its HTTP
// control endpoint (POST /__thaw/faults), and read what the status tables say about a run.
import type { FaultSettings } from '../../../src/emulator';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { EditorSession, EditorWorkspace } from '../harness';

/** A view action (its title bar button), e.g. "Stop". */
export function viewAction(editor: EditorSession, title: string): Locator {
  return editor.page.locator(`.sidebar .actions-container .action-label[aria-label^="${title}"]`);
}

export const STATUS = 'migration_status';
/** The chunk queries of one day of the demo table (their binds carry the partition value). */
export const ONE_DAY = 'AS "ROW" FROM .* -- binds: \\["2023-11-05"';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function showMigrationsView(editor: EditorSession): Promise<void> {
  await editor.runCommand('Migrations: Focus on Runs View');
  await waitVisible(editor, 'the Migrations view in the side bar', editor.page.locator('.sidebar .title-label', { hasText: /Migrations/i }));
}

export async function setFaults(world: EditorWorkspace, faults: Partial<FaultSettings>): Promise<void> {
  const res = await fetch(`${world.fixture.emulator.url}/__thaw/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`POST /__thaw/faults answered ${res.status}: ${await res.text()}`);
}

export interface RunRow {
  run_id: string;
  status: string;
  parallel_threads: number;
}

/** The run the last Start began, as the status tables list it. */
export function newestRun(editor: EditorSession, world: EditorWorkspace, timeoutMs = 60_000): Promise<RunRow> {
  return editor.step('wait for a run to start', `a started run in ${STATUS}.migration_runs`, async () => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await world.fixture
        .query<RunRow>(`SELECT run_id, status, parallel_threads FROM ${STATUS}.migration_runs WHERE status <> 'pending' ORDER BY created_at DESC LIMIT 1`)
        .catch(() => []);
      if (rows[0]) return rows[0];
      if (Date.now() > deadline) throw new Error(`no run started within ${timeoutMs} ms; notifications: ${JSON.stringify(await editor.notifications())}`);
      await sleep(250);
    }
  });
}

/** Waits until the run's state is one of `states`; returns it. */
export async function waitForRunState(world: EditorWorkspace, runId: string, states: string[], timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const [row] = await world.fixture.query<{ status: string }>(`SELECT status FROM ${STATUS}.migration_runs WHERE run_id = $1`, [runId]);
    last = row?.status ?? 'missing';
    if (states.includes(last)) return last;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${last}, expected ${states.join(' or ')} within ${timeoutMs} ms`);
    await sleep(500);
  }
}

export async function rowCount(world: EditorWorkspace, table: string): Promise<number> {
  const [row] = await world.fixture.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row!.n);
}

/** Waits for `locator` to be visible as a named step (a failure says what and gives a screenshot). */
export async function waitVisible(editor: EditorSession, what: string, locator: Locator, timeoutMs = 30_000): Promise<void> {
  await editor.step(`wait for ${what}`, `${what} on screen`, () => locator.first().waitFor({ state: 'visible', timeout: timeoutMs }));
}

/**
 * A screenshot the README shows: saved with the run's other artifacts, and over
 * docs/screenshots/NAME.png when THAW_UPDATE_SCREENSHOTS=1 (so a plain test run leaves the
 * checkout as it was).
 */
export async function docScreenshot(editor: EditorSession, name: string): Promise<string> {
  const path = process.env.THAW_UPDATE_SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'screenshots', `${name}.png`) : undefined;
  return editor.screenshot(name, path);
}

/**
 * Answers the input box whose prompt matches: waits for that prompt first, so the text cannot go
 * to the Command Palette's input while it is closing.
 */
export async function answerPrompt(editor: EditorSession, prompt: RegExp, text: string): Promise<void> {
  await waitVisible(editor, `an input box asking ${prompt}`, editor.page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }));
  await editor.answerInput(text);
}

/**
 * Opens a workspace file with Quick Open, picking the row that `row` matches (its aria-label is
 * the file name and its folder), for names that several folders share.
 */
export async function quickOpen(editor: EditorSession, query: string, row: RegExp): Promise<void> {
  await editor.step(`type "${query}" into Quick Open`, 'the Quick Open box', async () => {
    const widget = editor.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await editor.page.keyboard.press('Escape');
    await editor.page.keyboard.press('Control+P');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    await editor.page.keyboard.type(query);
  });
  await editor.pickQuickPick(row, 20_000);
}

/**
 * The hover text of a tree row, read until it is that row's (a hover of the row the pointer
 * crossed before can still be on screen): `heading` is how that row's tooltip starts.
 */
export async function treeTooltip(editor: EditorSession, label: string, heading: RegExp): Promise<string> {
  let text = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    await editor.page.mouse.move(900, 700);
    await editor.page.keyboard.press('Escape');
    await sleep(500);
    // A hover that never came up (the pointer's enter was lost on a busy machine) is tried again too.
    text = await editor.treeItemTooltip(label, 30_000).catch(() => text);
    if (heading.test(text)) return text;
  }
  return editor.step(`read the tooltip of "${label}"`, `a hover starting ${heading}`, () => Promise.reject(new Error(`the hover shows ${JSON.stringify(text)}`)));
}
