// Read-only documents the extension serves:
// - `thaw://schema/thaw-config.schema.json`: the config's JSON Schema, which VS Code's JSON
//   language service fetches for every file whose `$schema` names it (errors and completions while
//   typing), read from the extension's own schema/ folder;
// - `thaw-report:` documents: the plan report.
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { THAW_SCHEMA_SCHEME } from './configKind';

export const REPORT_SCHEME = 'thaw-report';

export class ThawDocuments extends Disposable {
  private readonly reports = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(THAW_SCHEMA_SCHEME, {
        provideTextDocumentContent: async (uri) => {
          const name = uri.path.split('/').pop() ?? '';
          const file = vscode.Uri.joinPath(this.extensionUri, 'schema', name);
          return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
        },
      }),
    );
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => this.reports.get(uri.toString()) ?? '',
      }),
    );
  }

  /** Shows (or updates, when it is open) a report document named `name` (e.g. `plan-<runId>.md`). */
  async showReport(name: string, markdown: string, options: { preserveFocus?: boolean } = {}): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    this.reports.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: options.preserveFocus });
    return uri;
  }
}
