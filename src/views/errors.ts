// How a failed request reads to the user. A config that fails validation shows the JSON path and
// the reason of each problem, puts them in the Problems view, and offers to open the file at the
// line; anything else names its cause and offers the log.
import * as vscode from 'vscode';
import type { WireError } from '../protocol/engine';
import { EngineRequestError } from '../engine/worker/client';
import { Disposable } from './disposable';

export function wireErrorOf(err: unknown): WireError | undefined {
  return err instanceof EngineRequestError ? err.wire : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ErrorReporter extends Disposable {
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('thaw'));

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    // A problem found at Plan/Start is stale once the file changes; the JSON service takes over.
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.diagnostics.delete(e.document.uri)));
  }

  /** Reports a failed command; `what` says what was attempted ("Start"). */
  async report(what: string, err: unknown, configPath?: string): Promise<void> {
    const wire = wireErrorOf(err);
    const issues = wire?.issues ?? [];
    this.log.error(`${what} failed: ${messageOf(err)}`);
    if (configPath && issues.length > 0) {
      await this.reportConfigIssues(what, configPath, issues);
      return;
    }
    const choice = await vscode.window.showErrorMessage(`Migration ${what} failed: ${firstLine(messageOf(err))}`, 'Open Logs');
    if (choice === 'Open Logs') this.log.show(true);
  }

  clear(configPath: string): void {
    this.diagnostics.delete(vscode.Uri.file(configPath));
  }

  private async reportConfigIssues(what: string, configPath: string, issues: NonNullable<WireError['issues']>): Promise<void> {
    const uri = vscode.Uri.file(configPath);
    this.diagnostics.set(
      uri,
      issues.map((i) => {
        const line = Math.max(0, (i.line ?? 1) - 1);
        const col = Math.max(0, (i.column ?? 1) - 1);
        const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), `${i.path || '(root)'}: ${i.message}`, vscode.DiagnosticSeverity.Error);
        d.source = 'Thaw';
        return d;
      }),
    );
    const first = issues[0]!;
    const where = first.line !== undefined ? ` (line ${first.line})` : '';
    const more = issues.length > 1 ? ` and ${issues.length - 1} more problem${issues.length === 2 ? '' : 's'}` : '';
    const action = first.line !== undefined ? `Open at Line ${first.line}` : 'Open Config';
    const name = vscode.workspace.asRelativePath(uri);
    const choice = await vscode.window.showErrorMessage(`Migration ${what}: ${name} is invalid: ${first.path || '(root)'}: ${first.message}${where}${more}`, action);
    if (choice === action) await vscode.commands.executeCommand('thaw.openConfig', configPath, first.line, first.column);
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
