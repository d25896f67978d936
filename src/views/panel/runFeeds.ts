// The run feeds of this window, one per run, shared by whoever shows the run (its progress panel,
// the status bar): one set of reads and one stream of snapshots per run, however many look at it.
// A feed lives while someone holds it and polls while a holder is looking.
import type * as vscode from 'vscode';
import type { PanelEngine } from './panelEngine';
import { RunFeed } from './runFeed';

/** A holder's share of a feed: say whether it is looking; dispose it when done. */
export interface FeedHold extends vscode.Disposable {
  readonly feed: RunFeed;
  setActive(active: boolean): void;
}

interface Shared {
  feed: RunFeed;
  /** Whether each holder is looking. */
  looking: Map<number, boolean>;
}

export class RunFeeds implements vscode.Disposable {
  private readonly shared = new Map<string, Shared>();
  private nextHolder = 1;

  constructor(private readonly engine: PanelEngine) {}

  hold(runId: string, configPath: string): FeedHold {
    let entry = this.shared.get(runId);
    if (!entry) {
      entry = { feed: new RunFeed(this.engine, runId, configPath), looking: new Map() };
      this.shared.set(runId, entry);
    }
    const shared = entry;
    const holder = this.nextHolder++;
    const update = () => shared.feed.setActive([...shared.looking.values()].some(Boolean));
    shared.looking.set(holder, true);
    update();
    return {
      feed: shared.feed,
      setActive: (active) => {
        shared.looking.set(holder, active);
        update();
      },
      dispose: () => {
        if (!shared.looking.delete(holder)) return;
        if (shared.looking.size > 0) return update();
        shared.feed.dispose();
        if (this.shared.get(runId) === shared) this.shared.delete(runId);
      },
    };
  }

  dispose(): void {
    for (const { feed } of this.shared.values()) feed.dispose();
    this.shared.clear();
  }
}
