// The extension-host suites (test/editor/suite) through @vscode/test-electron, for machines that
// have desktop VS Code or can download it: the same suites the code-server runner executes, against
// the same world (emulator + embedded PostgreSQL + a workspace whose config.json points at them),
// with this folder as the development extension.
// Usage: node scripts/editor-test-electron.mjs   (VSCODE_EXECUTABLE=/path/to/code to use a local VS Code)
import { runTests } from '@vscode/test-electron';

await import('../esbuild.config.mjs');
const { register } = await import('tsx/esm/api');
register();
const { buildExtensionHostSuites, createEditorWorkspace } = await import('../test/editor/harness/index.ts');
const { stopTestPostgres } = await import('../test/support/postgres.ts');

const entry = await buildExtensionHostSuites();
const world = await createEditorWorkspace();
try {
  const code = await runTests({
    extensionDevelopmentPath: process.cwd(),
    extensionTestsPath: entry,
    extensionTestsEnv: world.env,
    launchArgs: [world.folder, '--disable-extensions', '--disable-workspace-trust'],
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
  });
  process.exitCode = code;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await world.close();
  await stopTestPostgres();
}
