// One run's progress panel: a webview fed with the run feed's cumulative snapshots (at most twice
// a second) once the page says it is ready, and the tune/retry actions it asks for. Without
// retainContextWhenHidden the page is dropped while hidden; it comes back from its saved state and
// a new ready handshake, and the host simply sends the newest snapshot again.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Requests } from '../../protocol/engine';
import { isPanelToHost, type HostToPanel, type PanelSnapshot, type PanelToHost } from '../../protocol/panel';
import { panelHtml } from './panelHtml';
import type { PanelEngine } from './panelEngine';
import type { RunFeed } from './runFeed';
import type { RunFeeds } from './runFeeds';
import { VerificationFeed } from './verificationFeed';

export class ProgressPanel implements vscode.Disposable {
  private readonly feed: RunFeed;
  private readonly verification: VerificationFeed;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** The layout the page has; it gets the current one whenever they differ. */
  private pageLayoutKey: string | null = null;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly engine: PanelEngine,
    feeds: RunFeeds,
    private readonly mediaRoot: vscode.Uri,
    readonly runId: string,
    readonly configPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    panel.title = `Migration ${runId}`;
    const hold = feeds.hold(runId, configPath);
    this.feed = hold.feed;
    this.verification = new VerificationFeed(engine, runId, configPath);
    this.disposables.push(
      hold,
      this.feed.onDidSnapshot((snapshot) => this.post(snapshot)),
      this.verification,
      this.verification.onDidChange(() => this.postVerification()),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isPanelToHost(m)) void this.receive(m);
      }),
      panel.onDidChangeViewState(() => {
        // A hidden page is gone; it says ready again when it is shown.
        if (!panel.visible) this.ready = false;
        hold.setActive(panel.visible);
        this.verification.setActive(panel.visible);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
  }

  reveal(): void {
    this.panel.reveal();
  }

  private html(): string {
    const webview = this.panel.webview;
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'panel.css')).toString(),
      runId: this.runId,
    });
  }

  private async receive(message: PanelToHost): Promise<void> {
    switch (message.type) {
      case 'panel/ready':
        this.ready = true;
        this.pageLayoutKey = message.layoutKey;
        this.post(this.feed.latest);
        this.postVerification();
        return;
      case 'layout/request':
        this.pageLayoutKey = null;
        this.post(this.feed.latest);
        return;
      case 'run/tune':
        return this.answer(message.id, () => this.tune(message.threads, message.batchSize));
      case 'chunks/retry':
        return this.answer(message.id, () => this.retry(message.chunkIds));
    }
  }

  private async tune(threads: number | undefined, batchSize: number | undefined): Promise<string> {
    const result = await this.engine.request(Requests.tune, { configPath: this.configPath, runId: this.runId, threads, batchSize });
    const recut = result.replannedChunks > 0 ? `; ${result.replannedChunks.toLocaleString('en-US')} unclaimed chunks cut again` : '';
    return `Tuned: ${result.threads} threads, batch size ${result.batchSize.toLocaleString('en-US')}${recut}.`;
  }

  private async retry(chunkIds: number[]): Promise<string> {
    const which = chunkIds.length === 1 ? { chunkId: chunkIds[0] } : { chunkIds };
    const { requeued } = await this.engine.request(Requests.retry, { configPath: this.configPath, runId: this.runId, ...which });
    return `Re-queued ${requeued} chunk${requeued === 1 ? '' : 's'}.`;
  }

  private async answer(id: number, action: () => Promise<string>): Promise<void> {
    let reply: HostToPanel;
    try {
      reply = { type: 'action/done', id, ok: true, message: await action() };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`progress panel of run ${this.runId}: ${message}`);
      reply = { type: 'action/done', id, ok: false, message };
    }
    void this.panel.webview.postMessage(reply);
    void this.feed.refresh();
  }

  /** Sends the page the feed's snapshot (the one the status bar shows too), with its chunk layout when the page lacks it. */
  private post(snapshot: PanelSnapshot | undefined): void {
    if (!this.ready || !snapshot) return;
    const layout = this.feed.recorder.chunkLayout();
    if (layout && layout.key !== this.pageLayoutKey) {
      void this.panel.webview.postMessage({ type: 'layout/update', layout } satisfies HostToPanel);
      this.pageLayoutKey = layout.key;
    }
    void this.panel.webview.postMessage({ type: 'snapshot/update', snapshot } satisfies HostToPanel);
  }

  /** The verification section is posted apart from the snapshots: it changes rarely. */
  private postVerification(): void {
    const verification = this.verification.result;
    if (!this.ready || verification === undefined) return;
    void this.panel.webview.postMessage({ type: 'verification/update', verification } satisfies HostToPanel);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
