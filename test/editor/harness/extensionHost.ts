// Extension-host mocha suites (test/editor/suite) inside a real editor. They are bundled to
// dist/editor-tests/ (CommonJS, `vscode` left to the extension host). Under code-server they run
// through the workbench's `payload` (extensionDevelopmentPath + extensionTestsPath), which
// code-server honours only with the smoke-test driver enabled; the driver then reports the run's
// end through window.codeAutomationExit and its logs through window.codeAutomationLog.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { common } from '../../../scripts/esbuild-options.mjs';
import type { SuiteResult } from '../suite/index';
import { artifactsDir, type EditorSession } from './session';

const SUITE_DIR = join('test', 'editor', 'suite');

export interface ExtensionHostRun {
  exitCode: number;
  results: SuiteResult[];
  /** The workbench log lines forwarded by the smoke-test driver, saved to a file. */
  logPath: string;
}

/** Bundles the suites and their entry; returns the entry (extensionTestsPath). */
export async function buildExtensionHostSuites(): Promise<string> {
  const outdir = join(process.cwd(), 'dist', 'editor-tests');
  const suites = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.suite.ts'));
  await build({
    ...common,
    entryPoints: [join(SUITE_DIR, 'index.ts'), ...suites.map((f) => join(SUITE_DIR, f))],
    outdir,
    outExtension: { '.js': '.cjs' },
    sourcemap: 'inline',
    // mocha loads the suites with require() and must be the one instance they register with.
    external: [...common.external, 'mocha'],
  });
  return join(outdir, 'index.cjs');
}

// Runs in the page before the workbench reads its configuration: turns the smoke-test driver on.
// A string, not a function: the TypeScript loader would wrap a function's inner functions in
// helpers that do not exist in the page.
const ENABLE_SMOKE_TEST_DRIVER = `
(() => {
  const patch = () => {
    const element = document.getElementById('vscode-workbench-web-configuration');
    const settings = element && element.getAttribute('data-settings');
    if (!settings) return false;
    const configuration = JSON.parse(settings);
    configuration.developmentOptions = { ...configuration.developmentOptions, enableSmokeTestDriver: true };
    element.setAttribute('data-settings', JSON.stringify(configuration));
    return true;
  };
  if (patch()) return;
  const observer = new MutationObserver(() => { if (patch()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true });
})();
`;

/**
 * Opens a second window of the session on its folder, with the suites as extension tests and the
 * installed .vsix as the development extension. `resultsPath` must be the THAW_EDITOR_RESULTS
 * the session's code-server was started with.
 */
export async function runExtensionHostSuites(session: EditorSession, testsEntry: string, resultsPath: string, timeoutMs = 300_000): Promise<ExtensionHostRun> {
  const page = await session.browser.context.newPage();
  const log: string[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => log.push(`[${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`));
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  await page.addInitScript(ENABLE_SMOKE_TEST_DRIVER);
  const remote = (path: string) => `vscode-remote://127.0.0.1:${session.server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(session.server.extensionDir)],
    ['extensionTestsPath', remote(testsEntry)],
  ];
  await mkdir(artifactsDir(), { recursive: true });
  const logPath = join(artifactsDir(), `${session.name}-extension-host.log`);
  try {
    await page.goto(session.workbenchUrl(`&payload=${encodeURIComponent(JSON.stringify(payload))}`));
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the extension-host tests did not finish within ${timeoutMs / 1000} s; workbench log: ${logPath}`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    const results = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => '[]')) as SuiteResult[];
    return { exitCode, results, logPath };
  } finally {
    await writeFile(logPath, `${log.join('\n')}\n`).catch(() => undefined);
    await page.close();
  }
}
