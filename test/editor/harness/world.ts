// The preamble every editor UI test file shares: a workspace (emulator, PostgreSQL, config.json)
// and an editor on it, made in the describe block's `before` and closed in its `after`, with the
// timeouts those take. Call it inside `describe`; read `world` and `editor` inside the tests.
import { openEditor, type EditorSession } from './session';
import { createEditorWorkspace, type EditorWorkspace } from './workspace';

export interface EditorWorld {
  readonly world: EditorWorkspace;
  readonly editor: EditorSession;
}

export function useEditorWorld(
  name: string,
  options: Parameters<typeof createEditorWorkspace>[0] & {
    /** Runs on the workspace before the editor opens it (extra files, a config to break). */
    prepare?: (world: EditorWorkspace) => Promise<void>;
  } = {},
): EditorWorld {
  let world: EditorWorkspace | undefined;
  let editor: EditorSession | undefined;
  before(async function () {
    this.timeout(900_000);
    const { prepare, ...workspace } = options;
    world = await createEditorWorkspace(workspace);
    await prepare?.(world);
    editor = await openEditor({ folder: world.folder, name, env: world.env });
  });
  after(async function () {
    this.timeout(60_000);
    await editor?.close();
    await world?.close();
  });
  const made = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`the ${what} of "${name}" is not ready: its before hook failed`);
    return value;
  };
  return {
    get world() {
      return made('workspace', world);
    },
    get editor() {
      return made('editor', editor);
    },
  };
}
