// The Thaw configs of the workspace (./configKind.ts says which files are), kept current by a
// file watcher; a quick pick when a command needs one and there are several.
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { isThawConfig } from './configKind';

const CANDIDATES = '**/{config.json,*.thaw.json}';
const EXCLUDE = '{**/node_modules/**,**/.thaw/**}';

export class ConfigFiles extends Disposable {
  private paths: string[] = [];
  private readonly changed = this._register(new vscode.EventEmitter<readonly string[]>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(CANDIDATES));
    const rescan = () => void this.scan();
    this._register(watcher.onDidCreate(rescan));
    this._register(watcher.onDidDelete(rescan));
    this._register(watcher.onDidChange(rescan));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(rescan));
  }

  get all(): readonly string[] {
    return this.paths;
  }

  async scan(): Promise<readonly string[]> {
    const found: string[] = [];
    for (const uri of await vscode.workspace.findFiles(CANDIDATES, EXCLUDE, 200)) {
      let text: string | undefined;
      if (!uri.fsPath.endsWith('.thaw.json')) {
        try {
          text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        } catch {
          continue;
        }
      }
      if (isThawConfig(uri.fsPath, text)) found.push(uri.fsPath);
    }
    found.sort();
    if (found.join('\n') !== this.paths.join('\n')) {
      this.paths = found;
      await vscode.commands.executeCommand('setContext', 'thaw.hasConfig', found.length > 0);
      this.changed.fire(found);
    }
    return found;
  }

  /** The config a command acts on: the given one, the only one, or the user's pick. */
  async pick(given?: unknown): Promise<string | undefined> {
    if (typeof given === 'string') return given;
    if (given instanceof vscode.Uri) return given.fsPath;
    const all = this.paths.length > 0 ? this.paths : await this.scan();
    if (all.length === 0) {
      const create = await vscode.window.showErrorMessage('No Thaw config in this workspace: a *.thaw.json file, or a config.json whose $schema names Thaw’s schema.', 'Create Config');
      if (create) await vscode.commands.executeCommand('thaw.createConfig');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((p) => ({ label: vscode.workspace.asRelativePath(p), path: p })),
      { placeHolder: 'Which migration config?', title: 'Migration config' },
    );
    return picked?.path;
  }
}
