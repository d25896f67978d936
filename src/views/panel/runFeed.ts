// Keeps one run's recorder fed: events from this window's worker as they come, and reads of the
// status tables (one query each: run, tables, chunk map, throughput, workers) on a light poll,
// faster when no worker here pushes the run. Publishes a snapshot at most every
// SNAPSHOT_INTERVAL_MS when there is something new: the run's panel and the status bar show that
// same snapshot, so they never disagree.
import * as vscode from 'vscode';
import { Events, Requests } from '../../protocol/engine';
import { SNAPSHOT_INTERVAL_MS, type PanelSnapshot } from '../../protocol/panel';
import { RunRecorder } from './model/runRecorder';
import type { PanelEngine } from './panelEngine';

/** Poll intervals: a run executed elsewhere, one this window's worker pushes, one that is over. */
const POLL_ELSEWHERE_MS = 2000;
const POLL_PUSHED_MS = 5000;
const POLL_FINISHED_MS = 30_000;

export class RunFeed implements vscode.Disposable {
  readonly recorder: RunRecorder;
  private readonly snapshotted = new vscode.EventEmitter<PanelSnapshot>();
  /** A new snapshot, at most every SNAPSHOT_INTERVAL_MS; the last change always gets one. */
  readonly onDidSnapshot = this.snapshotted.event;
  private latestSnapshot: PanelSnapshot | undefined;
  private lastSnapshotAt = 0;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private disposed = false;
  private active = true;

  constructor(
    private readonly engine: PanelEngine,
    readonly runId: string,
    readonly configPath: string,
  ) {
    this.recorder = new RunRecorder(runId, configPath);
    const mine = <T extends { runId: string }>(listener: (e: T) => void) => (e: T) => {
      if (e.runId === runId) listener(e);
    };
    this.subscriptions.push(
      engine.on(Events.runProgress, mine((e) => this.push(() => this.recorder.applyProgress(e, Date.now())))),
      engine.on(Events.chunkStateChanged, mine((e) => this.push(() => this.recorder.applyChunk(e, Date.now())))),
      engine.on(Events.runTuned, mine((e) => this.push(() => this.recorder.applyTuned(e)))),
      // Memory events are the worker's, not a run's: they count while this worker pushes this run.
      engine.on(Events.workerMemory, (e) => {
        if (this.recorder.isPushed(Date.now())) this.push(() => this.recorder.applyMemory(e, Date.now()));
      }),
      engine.on(Events.runStarted, mine(() => void this.refresh())),
      engine.on(Events.runFinished, mine(() => void this.refresh())),
      engine.on(Events.tableStateChanged, mine(() => void this.refresh())),
      this.snapshotted,
    );
    void this.refresh();
  }

  /** The newest snapshot published, if any yet. */
  get latest(): PanelSnapshot | undefined {
    return this.latestSnapshot;
  }

  /** Nobody looking (a hidden panel, no status bar on it): no polling; looking again reads at once. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) void this.refresh();
  }

  /** Reads the status tables now (coalescing with a read in flight) and schedules the next. */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
      this.schedule();
    });
    return this.reading;
  }

  private push(apply: () => void): void {
    apply();
    // A chunk event for a chunk the map does not know yet means the chunks were cut again.
    if (!this.recorder.ready) void this.refresh();
    this.scheduleSnapshot();
  }

  private async read(): Promise<void> {
    const now = Date.now();
    const { runId, configPath } = this;
    try {
      const [runs, tables, chunkMap, timeline, workers] = await Promise.all([
        this.engine.request(Requests.listRuns, { configPath, allConfigs: true, limit: 500 }),
        this.engine.request(Requests.listTables, { configPath, runId }),
        this.engine.request(Requests.chunkMap, { configPath, runId }),
        this.engine.request(Requests.timeline, { configPath, runId, bucketSeconds: this.recorder.bucketSeconds(now) }),
        this.engine.request(Requests.listWorkers, { configPath, runId }),
      ]);
      const run = runs.find((r) => r.runId === runId);
      if (!run) throw new Error(`run ${runId} is not in the status tables of ${configPath}`);
      this.recorder.applyRead({ run, tables, chunkMap, timeline, workers }, Date.now());
    } catch (err) {
      this.recorder.applyProblem(err instanceof Error ? err.message : String(err));
    }
    if (!this.disposed) this.scheduleSnapshot();
  }

  private scheduleSnapshot(): void {
    if (this.snapshotTimer || this.disposed) return;
    const wait = Math.max(0, this.lastSnapshotAt + SNAPSHOT_INTERVAL_MS - Date.now());
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      const now = Date.now();
      const snapshot = this.recorder.snapshot(now);
      if (!snapshot || this.disposed) return;
      this.lastSnapshotAt = now;
      this.latestSnapshot = snapshot;
      this.snapshotted.fire(snapshot);
    }, wait);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.disposed || !this.active) return;
    const now = Date.now();
    const status = this.recorder.status;
    const over = status === 'completed' || status === 'abandoned';
    const delay = this.recorder.isPushed(now) ? POLL_PUSHED_MS : over ? POLL_FINISHED_MS : POLL_ELSEWHERE_MS;
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.snapshotTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}
