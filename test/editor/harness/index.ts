// The editor test harness: what editor and panel tests import. A UI test file:
//
//   const ui = useEditorWorld('my-test', { demoRows: 2_000 });   // in describe(): before/after hooks
//   const { world, editor } = ui;                      // in a test: emulator + PostgreSQL + config.json, the editor
//   // (by hand: createEditorWorkspace({ demoRows }), then openEditor({ folder: world.folder, name, env: world.env }))
//   await editor.runCommand('Migration: Plan');         // F1, the title, retried until registered
//   await editor.pickQuickPick('config.json');         // exact label, or a RegExp
//   await editor.waitForNotification(/planned/);       // toasts' text; clickNotificationButton()
//   await editor.clickTreeItem('FACTVISIT…');          // waitForTreeItem, treeItemTooltip
//   await editor.waitForProblem(/Value is not accepted/);  // opens the Problems panel
//   const frame = await editor.waitForWebview(/Throughput/);  // a webview's content frame
//   await editor.screenshot('tree with a failed chunk', 'docs/tree.png');
//   await editor.close(); await world.close();
//
// Every action is a named step: a failure names it, says what was expected and prints the path of
// its screenshot (test-results/editor/). `editor.step(name, expected, fn)` makes a custom one;
// `editor.page` is the Playwright page for anything else. world.fixture has the database
// (query) and the emulator (setFaults) of test/support/migration.ts.
// Extension-host suites go in test/editor/suite/*.suite.ts; test/editor/extensionHost.test.ts
// runs them all inside the editor.
export { openEditor, EditorSession, EditorStepError, artifactsDir, type OpenEditorOptions } from './session';
export { createEditorWorkspace, DEMO_TABLE_SPEC, type EditorWorkspace } from './workspace';
export { useEditorWorld, type EditorWorld } from './world';
export { buildExtensionHostSuites, runExtensionHostSuites, type ExtensionHostRun } from './extensionHost';
export { ensureEditorTools, editorCacheDir } from './install';
export { buildVsix } from './vsix';
