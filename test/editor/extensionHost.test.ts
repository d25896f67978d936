// Runs the extension-host suites (test/editor/suite/*.suite.ts) inside code-server with the built
// .vsix installed, then reports each of their tests here as a test of its own, so that the suite's
// "N passed, N failed" counts them one by one.
import { join } from 'node:path';
import Mocha from 'mocha';
import {
  buildExtensionHostSuites,
  createEditorWorkspace,
  openEditor,
  runExtensionHostSuites,
  type EditorSession,
  type EditorWorkspace,
  type ExtensionHostRun,
} from './harness';

describe('editor: extension-host suites in code-server', function () {
  let world: EditorWorkspace | undefined;
  let editor: EditorSession | undefined;
  let run: ExtensionHostRun;

  before(async function () {
    this.timeout(900_000);
    const suite = this.test!.parent!;
    const [entry, workspace] = await Promise.all([buildExtensionHostSuites(), createEditorWorkspace()]);
    world = workspace;
    // Beside the workspace folder, inside the fixture's directory that world.close() removes.
    const resultsPath = join(world.fixture.dir, 'extension-host-results.json');
    editor = await openEditor({ folder: world.folder, name: 'extension-host', env: { ...world.env, THAW_EDITOR_RESULTS: resultsPath } });
    run = await runExtensionHostSuites(editor, entry, resultsPath);
    for (const result of run.results) {
      suite.addTest(
        new Mocha.Test(result.title, () => {
          if (!result.passed) throw new Error(`${result.error ?? 'failed'}\n(workbench log: ${run.logPath})`);
        }),
      );
    }
  });

  after(async function () {
    this.timeout(60_000);
    await editor?.close();
    await world?.close();
  });

  it('the extension-host run reports its tests and ends with exit code 0', () => {
    if (run.exitCode !== 0 || run.results.length === 0) {
      throw new Error(`exit code ${run.exitCode} with ${run.results.length} test results; workbench log: ${run.logPath}`);
    }
  });
});
