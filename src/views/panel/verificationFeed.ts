// The verification result a run's panel shows: the newest `thaw verify` stored for the run's
// tables, whoever made it. Read when the panel opens, when this window's worker finishes a
// verification of the config, and on a slow poll for verifications made by the CLI elsewhere.
import * as vscode from 'vscode';
import { Events, Requests, type VerifyResult } from '../../protocol/engine';
import type { PanelEngine } from './panelEngine';

const POLL_MS = 15_000;

export class VerificationFeed implements vscode.Disposable {
  private current: VerifyResult | null | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private active = true;
  private disposed = false;

  constructor(
    private readonly engine: PanelEngine,
    private readonly runId: string,
    private readonly configPath: string,
  ) {
    this.subscriptions.push(
      engine.on(Events.verifyFinished, (e) => {
        if (e.configPath === configPath) void this.refresh();
      }),
      this.changed,
    );
    void this.refresh();
  }

  /** undefined until the first read answers. */
  get result(): VerifyResult | null | undefined {
    return this.current;
  }

  /** A hidden panel does not poll; showing it again reads at once. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) void this.refresh();
  }

  private async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const result = await this.engine.request(Requests.verifyResult, { configPath: this.configPath, runId: this.runId });
      if (JSON.stringify(result) !== JSON.stringify(this.current)) {
        this.current = result;
        if (!this.disposed) this.changed.fire();
      }
    } catch {
      // The run feed reports an unreachable database; the last result stays shown.
    }
    if (!this.disposed && this.active) this.timer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}
