// An editor session: code-server with the built .vsix + Chromium showing a workspace, and the
// actions of a user on it (palette, quick picks, tree clicks, files) with reads of what is on
// screen (notifications, Problems, output, webviews). Every action is a named step: when it fails,
// the error says which step, what was expected and where its screenshot is.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureEditorTools } from './install';
import { buildVsix } from './vsix';

export interface OpenEditorOptions {
  /** The workspace folder to open (absolute path on this machine). */
  folder: string;
  /** Names this session's screenshots (default: the folder's name). */
  name?: string;
  /** Extra environment for code-server, hence for the extension host and the engine worker. */
  env?: NodeJS.ProcessEnv;
}

export class EditorStepError extends Error {
  constructor(
    readonly step: string,
    readonly expected: string,
    readonly screenshot: string,
    cause: unknown,
  ) {
    super(`editor step "${step}" failed: expected ${expected}\n    ${errorText(cause)}\n    screenshot: ${screenshot}`, { cause });
    this.name = 'EditorStepError';
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const WORKBENCH_LOAD_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function artifactsDir(): string {
  return process.env.THAW_EDITOR_ARTIFACTS ?? join(process.cwd(), 'test-results', 'editor');
}

/** Starts code-server with the .vsix installed and opens `folder` in Chromium. */
export async function openEditor(options: OpenEditorOptions): Promise<EditorSession> {
  const started = Date.now();
  const [tools, vsix] = await Promise.all([ensureEditorTools(), buildVsix()]);
  const server = await startCodeServer({ tools, vsix, env: options.env });
  const serverUp = Date.now();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(tools.chromium);
    const session = new EditorSession(server, browser, options.folder, options.name ?? options.folder.split('/').pop()!);
    await session.load();
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`    [editor] ${session.name}: tools and .vsix ready + code-server up in ${seconds(serverUp - started)}, workbench loaded in ${seconds(Date.now() - serverUp)}`);
    return session;
  } catch (err) {
    await browser?.close();
    await server.stop();
    throw err;
  }
}

export class EditorSession {
  private shots = 0;
  private page_: Page | undefined;

  constructor(
    readonly server: CodeServer,
    readonly browser: Browser,
    readonly folder: string,
    readonly name: string,
  ) {}

  /** The workbench page, for what the helpers below do not cover. */
  get page(): Page {
    if (!this.page_) throw new Error('the editor page is not open');
    return this.page_;
  }

  workbenchUrl(extra = ''): string {
    return `${this.server.origin}/?folder=${encodeURIComponent(this.folder)}${extra}`;
  }

  /** Opens (or reloads) the workbench on the folder. */
  async load(): Promise<void> {
    this.page_ ??= await this.browser.context.newPage();
    await this.step('load the workbench', `the VS Code workbench at ${this.workbenchUrl()}`, async () => {
      // The first load of code-server's workbench (~7 s alone) passed Playwright's default 30 s
      // once on a loaded two-core machine.
      await this.page.goto(this.workbenchUrl(), { timeout: WORKBENCH_LOAD_TIMEOUT_MS });
      await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: DEFAULT_TIMEOUT_MS });
    });
  }

  /** Reloads the window, as "Developer: Reload Window" does. */
  async reload(): Promise<void> {
    await this.step('reload the window', 'the workbench back after a reload', async () => {
      await this.page.reload({ timeout: WORKBENCH_LOAD_TIMEOUT_MS });
      await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: DEFAULT_TIMEOUT_MS });
    });
  }

  /**
   * Runs `fn` as a named step. On failure: a screenshot, and an EditorStepError naming the step,
   * what was expected and the screenshot's path.
   */
  async step<T>(step: string, expected: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof EditorStepError) throw err;
      const shot = await this.screenshot(step).catch((e: unknown) => `none (${errorText(e)})`);
      console.log(`    [editor] step "${step}" failed; screenshot: ${shot}`);
      throw new EditorStepError(step, expected, shot, err);
    }
  }

  /** Saves a screenshot of the whole window and returns its path (under test-results/editor/). */
  async screenshot(label: string, path?: string): Promise<string> {
    const file = path ?? join(artifactsDir(), `${slug(this.name)}-${String(++this.shots).padStart(2, '0')}-${slug(label)}.png`);
    await mkdir(join(file, '..'), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  // ---- Command Palette and quick picks -------------------------------------------------------

  /**
   * F1, types the title, runs the entry whose label is exactly `title` (e.g. "Migration: Plan").
   * Right after load the palette may not know the extension's commands yet, and a webview taking
   * focus can close it between finding the entry and clicking it: retried until the timeout.
   */
  async runCommand(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.step(`run "${title}" from the Command Palette`, `a palette entry labelled "${title}"`, async () => {
      const deadline = Date.now() + timeoutMs;
      let clickFailure = '';
      for (;;) {
        await this.openPalette();
        await this.page.keyboard.type(title);
        const row = await this.findQuickPickRow(title, 3_000);
        if (row) {
          try {
            await row.click({ timeout: 15_000 });
            return;
          } catch (err) {
            clickFailure = `; clicking the entry failed: ${errorText(err)}`;
          }
        }
        const seen = await this.quickPickItems();
        if (Date.now() > deadline) throw new Error(`the palette lists ${seen.length ? JSON.stringify(seen) : '"No matching commands"'} after ${timeoutMs} ms${clickFailure}`);
        await this.page.keyboard.press('Escape');
        await sleep(1_000);
      }
    });
  }

  /** Waits for the open quick pick to offer `label` (exactly, or matching) and picks it. */
  async pickQuickPick(label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.step(`pick "${label}" in the quick pick`, `a quick pick item labelled ${String(label)}`, async () => {
      await (await this.quickPickRow(label, timeoutMs)).click();
    });
  }

  /** Waits for the open quick pick to offer `label`, without picking it. */
  async waitForQuickPickItem(label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.step(`find "${label}" in the quick pick`, `a quick pick item labelled ${String(label)}`, () => this.quickPickRow(label, timeoutMs));
  }

  /** Types into the open quick input (an input box or a quick pick's filter) and presses Enter. */
  async answerInput(text: string): Promise<void> {
    await this.step(`type "${text}" into the input box`, 'an open input box', async () => {
      await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
      await this.page.keyboard.type(text);
      await this.page.keyboard.press('Enter');
    });
  }

  /** The labels the open quick pick lists now (the visible ones; none once it has closed, whose rows stay in the page). */
  async quickPickItems(): Promise<string[]> {
    if (!(await this.page.locator('.quick-input-widget').isVisible())) return [];
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  private async openPalette(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** The open quick pick's row for `label`, once it lists it; throws with what it lists otherwise. */
  private async quickPickRow(label: string | RegExp, timeoutMs: number): Promise<Locator> {
    const row = await this.findQuickPickRow(label, timeoutMs);
    if (!row) throw new Error(`the quick pick lists ${JSON.stringify(await this.quickPickItems())}`);
    return row;
  }

  private async findQuickPickRow(label: string | RegExp, timeoutMs: number): Promise<Locator | undefined> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const deadline = Date.now() + timeoutMs;
    do {
      const labels = await this.quickPickItems();
      // A row's aria-label is its label, sometimes followed by ", description".
      const index = labels.findIndex((l) => (typeof label === 'string' ? l === label || l.startsWith(`${label}, `) : label.test(l)));
      if (index >= 0) return rows.nth(index);
      await sleep(200);
    } while (Date.now() < deadline);
    return undefined;
  }

  // ---- Files and editors ---------------------------------------------------------------------

  /** Opens a workspace file through "Go to File..." (Quick Open), as a user would. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.runCommand('Go to File...');
    await this.step(`open ${relativePath} with Quick Open`, `${relativePath} in Quick Open and then in an editor tab`, async () => {
      await this.page.keyboard.type(relativePath);
      const row = await this.findQuickPickRow(new RegExp(`^${escapeRegExp(name)}\\b`), 20_000);
      if (!row) throw new Error(`Quick Open lists ${JSON.stringify(await this.quickPickItems())}`);
      await row.click();
      await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
    });
  }

  // ---- Trees ---------------------------------------------------------------------------------

  /** The tree row (any view) whose label is exactly `label`. */
  treeItem(label: string | RegExp): Locator {
    const text = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    return this.page.locator('.monaco-list-row[role="treeitem"]').filter({ has: this.page.locator('.label-name', { hasText: text }) });
  }

  async waitForTreeItem(label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Locator> {
    return this.step(`find the tree item "${label}"`, `a tree row labelled ${String(label)}`, async () => {
      const item = this.treeItem(label).first();
      await item.waitFor({ state: 'visible', timeout: timeoutMs });
      return item;
    });
  }

  async clickTreeItem(label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const item = await this.waitForTreeItem(label, timeoutMs);
    await this.step(`click the tree item "${label}"`, 'a clickable tree row', () => item.click());
  }

  /** Clicks one of the inline action buttons a tree row shows while hovered (by the command's title). */
  async clickTreeItemAction(label: string | RegExp, action: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const item = await this.waitForTreeItem(label, timeoutMs);
    await this.step(`click the inline action "${action}" of the tree item "${label}"`, `a "${action}" button on the hovered row`, async () => {
      await item.hover();
      await item.locator(`.actions .action-label[aria-label="${action}"]`).click({ timeout: 10_000 });
    });
  }

  /** Hovers a tree item and returns the text of the hover (its tooltip). */
  async treeItemTooltip(label: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const item = await this.waitForTreeItem(label, timeoutMs);
    return this.step(`read the tooltip of "${label}"`, 'a hover over the tree row', async () => {
      // Another element's hover may still be up: move away until none is shown, then hover the row.
      const hover = this.page.locator('.monaco-hover, .workbench-hover').filter({ visible: true }).first();
      await this.page.mouse.move(0, 0);
      await hover.waitFor({ state: 'hidden', timeout: 5_000 });
      await item.hover();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      return (await hover.innerText()).trim();
    });
  }

  // ---- Notifications, Problems, output -------------------------------------------------------

  /** The messages of the notification toasts on screen now. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** Waits for a notification toast whose message matches; returns its message. */
  async waitForNotification(pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return this.step(`wait for a notification matching ${pattern}`, `a notification matching ${pattern}`, async () => {
      const deadline = Date.now() + timeoutMs;
      let seen: string[] = [];
      do {
        seen = await this.notifications();
        const hit = seen.find((m) => pattern.test(m));
        if (hit) return hit;
        await sleep(250);
      } while (Date.now() < deadline);
      throw new Error(`notifications on screen: ${seen.length ? JSON.stringify(seen) : 'none'}`);
    });
  }

  /** Clicks a button of the notification matching `pattern`. */
  async clickNotificationButton(pattern: RegExp, button: string): Promise<void> {
    await this.waitForNotification(pattern);
    await this.step(`click "${button}" on the notification ${pattern}`, `a "${button}" button on that notification`, async () => {
      const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({ has: this.page.locator('.notification-list-item-message', { hasText: pattern }) });
      await toast.first().hover();
      await toast.first().locator('.monaco-button', { hasText: button }).first().click();
    });
  }

  /** Opens the Problems panel and returns its rows' text (file rows and marker rows). */
  async problems(): Promise<string[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    return this.step('read the Problems panel', 'the Problems panel on screen', async () => {
      const panel = this.page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      return panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? (r.textContent ?? '').trim()));
    });
  }

  /** Waits until the Problems panel lists a row matching `pattern`; returns that row's text. */
  async waitForProblem(pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let rows: string[] = [];
    do {
      rows = await this.problems();
      const hit = rows.find((r) => pattern.test(r));
      if (hit) return hit;
      await sleep(500);
    } while (Date.now() < deadline);
    return this.step(`find a problem matching ${pattern}`, `a Problems row matching ${pattern}`, () =>
      Promise.reject(new Error(`the Problems panel lists ${rows.length ? JSON.stringify(rows) : 'nothing'}`)),
    );
  }

  /** The visible lines of the Output panel (the channel shown there now; long lines wrap). */
  async outputText(): Promise<string> {
    return this.step('read the Output panel', 'the Output panel on screen', async () => {
      const lines = this.page.locator('.part.panel .output-view .view-lines');
      await lines.first().waitFor({ state: 'visible', timeout: 10_000 });
      return visibleText(await lines.first().innerText());
    });
  }

  /** Waits for the Output panel to show text matching `pattern`. */
  async waitForOutput(pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return this.step(`wait for output matching ${pattern}`, `the Output panel showing ${pattern}`, async () => {
      const deadline = Date.now() + timeoutMs;
      let text = '';
      do {
        text = visibleText(await this.page.locator('.part.panel .output-view .view-lines').first().innerText().catch(() => ''));
        if (pattern.test(text)) return text;
        await sleep(250);
      } while (Date.now() < deadline);
      throw new Error(`the Output panel shows: ${text ? JSON.stringify(text.slice(-2000)) : 'nothing'}`);
    });
  }

  // ---- Webviews ------------------------------------------------------------------------------

  /**
   * The content frame of a webview whose body text matches `pattern`. Webviews are two nested
   * iframes: the outer `iframe.webview` host (pre/index.html) and the inner frame with the content.
   */
  async waitForWebview(pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    return this.step(`find a webview showing ${pattern}`, `a webview whose content matches ${pattern}`, async () => {
      const deadline = Date.now() + timeoutMs;
      let look: { frame?: Frame; seen: string[] };
      do {
        look = await this.webviewShowing(pattern);
        if (look.frame) return look.frame;
        await sleep(250);
      } while (Date.now() < deadline);
      throw new Error(look.seen.length ? `webviews show ${JSON.stringify(look.seen)}` : 'no webview is open');
    });
  }

  /** One look at the open webviews: the one whose content matches `pattern`, and what each shows. */
  async webviewShowing(pattern: RegExp): Promise<{ frame?: Frame; seen: string[] }> {
    const seen: string[] = [];
    for (const frame of this.page.frames()) {
      if (!isWebviewContent(frame)) continue;
      const text = await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '');
      if (pattern.test(text)) return { frame, seen };
      seen.push(text.slice(0, 200));
    }
    return { seen };
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
  }
}

// A webview's content frame is the child of its host frame, the workbench's webview/browser/pre/index.html.
function isWebviewContent(frame: Frame): boolean {
  return frame.parentFrame()?.url().includes('/contrib/webview/browser/pre/index.html') ?? false;
}

// Monaco renders spaces as no-break spaces.
function visibleText(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n').slice(0, 12).join('\n    ') : String(err);
}
