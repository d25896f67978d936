// The editor test harness: what editor and panel tests import.
//   const world = await createEditorWorkspace();            // emulator + PostgreSQL + config.json
//   const editor = await openEditor({ folder: world.folder, env: world.env });
//   await editor.runCommand('Migration: Plan');
//   await editor.waitForNotification(/planned/);
//   await editor.close(); await world.close();
export { openEditor, EditorSession, EditorStepError, artifactsDir, type OpenEditorOptions } from './session';
export { createEditorWorkspace, DEMO_TABLE_SPEC, type EditorWorkspace } from './workspace';
export { buildExtensionHostSuites, runExtensionHostSuites, type ExtensionHostRun } from './extensionHost';
export { ensureEditorTools, editorCacheDir } from './install';
export { buildVsix } from './vsix';
