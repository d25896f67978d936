// The status bar item of the active run: `41% · 12.3k rows/s · ETA 3h12m`, the warning background
// once a chunk failed, a click opens Show Progress. Hidden when no run is active or recent.
import * as vscode from 'vscode';
import type { RunSummary } from '../protocol/engine';
import { Disposable } from './disposable';
import { progressLine } from './format';

export class RunStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('thaw.run', vscode.StatusBarAlignment.Left, 50));

  constructor() {
    super();
    this.item.name = 'Migration progress';
    this.item.command = 'thaw.showProgress';
  }

  show(run: RunSummary | undefined): void {
    if (!run) {
      this.item.hide();
      return;
    }
    const failed = run.chunks.failed > 0;
    const icon = run.status === 'in_progress' ? '$(sync~spin)' : run.status === 'completed' ? '$(pass)' : failed || run.status === 'failed' ? '$(error)' : '$(debug-pause)';
    this.item.text = `${icon} ${progressLine(run)}`;
    this.item.backgroundColor = failed || run.status === 'failed' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tooltip = new vscode.MarkdownString(
      `**Migration run ${run.runId}**\n\n${run.rowsLoaded.toLocaleString('en-US')} of ${run.rowsTotal.toLocaleString('en-US')} rows` +
        (failed ? `, ${run.chunks.failed} failed chunk${run.chunks.failed === 1 ? '' : 's'}` : '') +
        `\n\n[Show Progress](command:thaw.showProgress) · [Open Logs](command:thaw.showLogs)`,
    );
    tooltip.isTrusted = { enabledCommands: ['thaw.showProgress', 'thaw.showLogs'] };
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
