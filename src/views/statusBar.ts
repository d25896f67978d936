// The status bar item of the active run: `41% · 12.3k rows/s · ETA 3m 12s`, the warning background
// once a chunk failed, a click opens Show Progress. Its figures are the progress panel's: the same
// run feed, the same snapshot, the same view model (src/views/panel). Hidden when no run is active
// or recent.
import * as vscode from 'vscode';
import type { PanelSnapshot } from '../protocol/panel';
import { Disposable } from './disposable';
import { statusLine, toViewModel } from './panel/model/viewModel';
import type { FeedHold, RunFeeds } from './panel/runFeeds';

export class RunStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('thaw.run', vscode.StatusBarAlignment.Left, 50));
  private followed: { runId: string; hold: FeedHold; listener: vscode.Disposable } | undefined;

  constructor(private readonly feeds: RunFeeds) {
    super();
    this.item.name = 'Migration progress';
    this.item.command = 'thaw.showProgress';
    this._register({ dispose: () => this.unfollow() });
  }

  /** Shows this run from now on (its feed's snapshots), or hides the item. */
  follow(run: { runId: string; configPath: string } | undefined): void {
    if (run?.runId === this.followed?.runId) return;
    this.unfollow();
    if (!run) {
      this.item.hide();
      return;
    }
    const hold = this.feeds.hold(run.runId, run.configPath);
    this.followed = { runId: run.runId, hold, listener: hold.feed.onDidSnapshot((s) => this.render(s)) };
    if (hold.feed.latest) this.render(hold.feed.latest);
    else {
      this.item.text = `$(sync~spin) Migration ${run.runId}`;
      this.item.tooltip = `Migration run ${run.runId}: reading its progress`;
      this.item.backgroundColor = undefined;
      this.item.show();
    }
  }

  private unfollow(): void {
    this.followed?.listener.dispose();
    this.followed?.hold.dispose();
    this.followed = undefined;
  }

  private render(snapshot: PanelSnapshot): void {
    const vm = toViewModel(snapshot);
    const failedChunks = snapshot.totals.chunks.failed;
    const failed = failedChunks > 0 || vm.status === 'failed';
    const icon = vm.status === 'in_progress' ? '$(sync~spin)' : vm.status === 'completed' ? '$(pass)' : failed ? '$(error)' : '$(debug-pause)';
    const line = statusLine(vm);
    this.item.text = `${icon} ${line}`;
    this.item.accessibilityInformation = { label: `Migration run ${vm.runId}: ${line}`, role: 'button' };
    this.item.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const { rowsLoaded, rowsTotal } = snapshot.totals;
    const tooltip = new vscode.MarkdownString(
      `**Migration run ${vm.runId}**\n\n${rowsLoaded.toLocaleString('en-US')} of ${rowsTotal.toLocaleString('en-US')} rows` +
        (failedChunks > 0 ? `, ${failedChunks} failed chunk${failedChunks === 1 ? '' : 's'}` : '') +
        `\n\n[Show Progress](command:thaw.showProgress) · [Open Logs](command:thaw.showLogs)`,
    );
    tooltip.isTrusted = { enabledCommands: ['thaw.showProgress', 'thaw.showLogs'] };
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
