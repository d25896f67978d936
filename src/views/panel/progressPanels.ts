// The progress panels of this window: one per run, opened by "Migration: Show Progress", the
// status bar item or a run in the tree, and brought back after a reload by the serializer (the
// page's saved state names its run).
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, type PanelState } from '../../protocol/panel';
import type { PanelEngine } from './panelEngine';
import { ProgressPanel } from './progressPanel';
import type { RunFeeds } from './runFeeds';

export interface RunRef {
  runId: string;
  configPath: string;
}

export class ProgressPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ProgressPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly mediaRoot: vscode.Uri;

  constructor(
    extensionUri: vscode.Uri,
    private readonly engine: PanelEngine,
    private readonly feeds: RunFeeds,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.mediaRoot = vscode.Uri.joinPath(extensionUri, 'media');
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: PanelState | undefined) => {
          if (!state?.runId || !state.configPath) {
            panel.dispose();
            return;
          }
          this.adopt(panel, state);
        },
      }),
    );
  }

  /** Opens the run's panel, or brings its open one to the front. */
  async show(run: RunRef): Promise<void> {
    const open = this.panels.get(run.runId);
    if (open) {
      open.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, `Migration ${run.runId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.mediaRoot],
    });
    this.adopt(panel, run);
  }

  private adopt(panel: vscode.WebviewPanel, run: RunRef): void {
    const progress = new ProgressPanel(panel, this.engine, this.feeds, this.mediaRoot, run.runId, run.configPath, this.log);
    this.panels.set(run.runId, progress);
    progress.onDidDispose(() => {
      if (this.panels.get(run.runId) === progress) this.panels.delete(run.runId);
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
