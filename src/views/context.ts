// The extension's one context object (rust-analyzer's Ctx): it owns the log channel, the engine
// worker, the configs, the Migrations tree, the status bar and the commands, and wires the
// worker's events to them. The engine runs in dist/worker.cjs and is driven only through the
// typed protocol (src/protocol/engine.ts).
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Events, Requests, type RunSummary } from '../protocol/engine';
import type { Ctx, ProgressView } from './commands/ctx';
import { registerCommands } from './commands/index';
import { focusFailures } from './commands/runCommands';
import { ConfigFiles } from './configFiles';
import { Disposable } from './disposable';
import { ThawDocuments } from './documents';
import { EngineHost } from './engineHost';
import { ErrorReporter, messageOf, wireErrorOf } from './errors';
import { formatDuration } from './format';
import { ProgressPanels } from './panel/progressPanels';
import { RunFeeds } from './panel/runFeeds';
import { RunMemory, waitForExit } from './runMemory';
import { RunsModel, type ReadFailure, type RunsReader } from './runsTree/model';
import { RunsTreeProvider } from './runsTree/provider';
import { SecretEnv } from './secrets';
import { RunStatusBar } from './statusBar';

/** Worker events arrive per chunk; the tree reads the status tables at most this often because of them. */
const EVENT_REFRESH_MS = 1000;
/** How long a reloaded window waits for the previous window's worker to finish its chunks in flight. */
const PREVIOUS_WORKER_WAIT_MS = 10 * 60_000;

export class ThawContext extends Disposable implements Ctx {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly engine: EngineHost;
  readonly configs: ConfigFiles;
  readonly model: RunsModel;
  readonly docs: ThawDocuments;
  readonly errors: ErrorReporter;
  readonly memory: RunMemory;
  readonly secrets: SecretEnv;
  /** What Show Progress opens (from the palette, a run in the tree and the status bar): the progress panel. */
  progressView: ProgressView;
  private readonly statusBar: RunStatusBar;
  private readonly tree: RunsTreeProvider;
  private refreshTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(extension: vscode.ExtensionContext) {
    super();
    this.extensionUri = extension.extensionUri;
    this.log = this._register(vscode.window.createOutputChannel('Migration', { log: true }));
    this.docs = this._register(new ThawDocuments(extension.extensionUri));
    this.errors = this._register(new ErrorReporter(this.log));
    this.configs = this._register(new ConfigFiles());
    this.memory = new RunMemory(extension.workspaceState);
    this.secrets = new SecretEnv(extension.secrets, extension.globalState);
    this.engine = this._register(new EngineHost(join(extension.extensionPath, 'dist', 'worker.cjs'), this.log, () => this.secrets.env()));
    this.model = new RunsModel(readerOf(this.engine), describeFailure, (p) => vscode.workspace.asRelativePath(p));
    this.tree = this._register(new RunsTreeProvider(this.model));
    const feeds = this._register(new RunFeeds(this.engine));
    this.statusBar = this._register(new RunStatusBar(feeds));
    this.progressView = this._register(new ProgressPanels(extension.extensionUri, this.engine, feeds, this.log));

    for (const d of registerCommands(this)) this._register(d);
    this.wireEngine();
    this._register(this.model.onDidChange(() => this.onModelChanged()));
    this._register(this.configs.onDidChange((paths) => this.model.setConfigs(paths)));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('thaw.refreshIntervalSeconds') && this.schedulePolling()));
    this._register(this.tree.view.onDidChangeVisibility(() => this.schedulePolling()));
    this._register({ dispose: () => clearTimeout(this.refreshTimer) });
    this._register({ dispose: () => clearInterval(this.pollTimer) });

    void this.start();
  }

  private async start(): Promise<void> {
    this.model.setConfigs(await this.configs.scan());
    await this.model.refresh();
    this.schedulePolling();
    await this.resumeRunsOfPreviousWindow();
  }

  activeRun(): { configPath: string; run: RunSummary } | undefined {
    const runs = this.model.allRuns();
    const mine = this.engine.activeRun;
    if (mine) {
      const listed = runs.find((r) => r.run.runId === mine.runId);
      if (listed) return listed;
    }
    return runs.find((r) => r.run.status === 'in_progress');
  }

  refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.model.refresh();
    }, EVENT_REFRESH_MS);
  }

  private wireEngine(): void {
    const e = this.engine;
    this._register(e.on(Events.log, (l) => this.log[l.level](l.message, ...(l.context ? [l.context] : []))));
    for (const changed of [Events.chunkStateChanged, Events.tableStateChanged, Events.runProgress, Events.runTuned, Events.runStarted]) {
      this._register(e.on(changed, () => this.refreshSoon()));
    }
    this._register(
      e.on(Events.runStarted, (s) => {
        void this.memory.remember({ runId: s.runId, configPath: s.configPath, workerPid: e.pid });
      }),
    );
    this._register(
      e.on(Events.runFinished, (f) => {
        this.refreshSoon();
        // A reload ends the run as "stopped" on its way out: keep it to be resumed by the next window.
        if (this.closing) return;
        void this.memory.forget(f.runId);
        this.notifyFinished(f);
      }),
    );
    this._register(e.onDidChangeActiveRun(() => this.updateContextKeys()));
    this._register(
      e.onDidCrash(async (crash) => {
        this.refreshSoon();
        const run = crash.runId ? ` while executing run ${crash.runId}` : '';
        const actions = crash.runId ? ['Resume', 'Open Logs'] : ['Open Logs'];
        const choice = await vscode.window.showErrorMessage(`The migration worker stopped unexpectedly${run}: ${crash.cause}`, ...actions);
        if (choice === 'Resume' && crash.runId && crash.configPath) await vscode.commands.executeCommand('thaw.resumeMigration', { configPath: crash.configPath, runId: crash.runId });
        else if (choice === 'Open Logs') this.log.show(true);
      }),
    );
  }

  private async notifyFinished(f: { runId: string; status: string; rowsLoaded: number; rowsTotal: number; failedChunks: number; seconds: number; error?: string }): Promise<void> {
    const configPath = this.model.allRuns().find((r) => r.run.runId === f.runId)?.configPath;
    const target = configPath ? { configPath, runId: f.runId } : undefined;
    if (f.status === 'completed') {
      const choice = await vscode.window.showInformationMessage(
        `Migration run ${f.runId} completed: ${f.rowsLoaded.toLocaleString('en-US')} rows in ${formatDuration(f.seconds)}.`,
        'Show Progress',
        'Open Logs',
      );
      if (choice === 'Show Progress') await vscode.commands.executeCommand('thaw.showProgress', target);
      else if (choice === 'Open Logs') this.log.show(true);
    } else if (f.status === 'failed' || f.failedChunks > 0) {
      const why = f.error ? `: ${f.error}` : f.failedChunks > 0 ? ` with ${f.failedChunks} failed chunk${f.failedChunks === 1 ? '' : 's'}` : '';
      const choice = await vscode.window.showErrorMessage(`Migration run ${f.runId} ended${why}.`, 'Show Failed Chunks', 'Retry Failed Chunks', 'Open Logs');
      if (choice === 'Show Failed Chunks') await focusFailures();
      else if (choice === 'Retry Failed Chunks' && target) await vscode.commands.executeCommand('thaw.retryFailedChunks', target);
      else if (choice === 'Open Logs') this.log.show(true);
    }
  }

  private onModelChanged(): void {
    const shown = this.activeRun() ?? this.lastRunOfThisWindow();
    this.statusBar.follow(shown && { runId: shown.run.runId, configPath: shown.configPath });
    this.updateContextKeys();
  }

  private lastFinishedHere: string | undefined;

  /** After this window's run ends, the status bar keeps its final figures. */
  private lastRunOfThisWindow(): { configPath: string; run: RunSummary } | undefined {
    const id = this.engine.activeRun?.runId ?? this.lastFinishedHere;
    return id ? this.model.allRuns().find((r) => r.run.runId === id) : undefined;
  }

  private updateContextKeys(): void {
    const mine = this.engine.activeRun;
    if (mine) this.lastFinishedHere = mine.runId;
    const anyRunning = !!mine || this.model.allRuns().some((r) => r.run.status === 'in_progress');
    void vscode.commands.executeCommand('setContext', 'thaw.runActive', anyRunning);
    void vscode.commands.executeCommand('setContext', 'thaw.windowRunActive', !!mine);
  }

  /** Polls for runs executed elsewhere while the view is visible or a run is active; one query per config. */
  private schedulePolling(): void {
    clearInterval(this.pollTimer);
    const seconds = vscode.workspace.getConfiguration('thaw').get<number>('refreshIntervalSeconds', 10);
    if (seconds <= 0) return;
    this.pollTimer = setInterval(() => {
      if (this.tree.view.visible || this.activeRun()) void this.model.refresh();
    }, seconds * 1000);
  }

  /** Runs this window executed before a reload: resumed once their worker has gone. */
  private async resumeRunsOfPreviousWindow(): Promise<void> {
    for (const remembered of this.memory.all()) {
      if (this.engine.activeRun) return;
      this.log.info(`run ${remembered.runId} was executing in this window before it reloaded; resuming it once its previous worker has exited`, {
        pid: remembered.workerPid,
      });
      await waitForExit(remembered.workerPid, PREVIOUS_WORKER_WAIT_MS);
      await this.model.refresh();
      const listed = this.model.allRuns().find((r) => r.run.runId === remembered.runId);
      if (!listed || listed.run.status === 'completed' || listed.run.status === 'abandoned') {
        await this.memory.forget(remembered.runId);
        continue;
      }
      try {
        await this.engine.request(Requests.resume, { configPath: remembered.configPath, runId: remembered.runId });
        this.refreshSoon();
      } catch (err) {
        await this.errors.report('Resume', err, remembered.configPath);
      }
    }
  }

  /** Window close or reload: the worker finishes its chunks in flight; the run resumes in the next window. */
  async close(): Promise<void> {
    this.closing = true;
    const exited = this.engine.shutdown();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    this.dispose();
  }
}

function readerOf(engine: EngineHost): RunsReader {
  return {
    listRuns: (configPath) => engine.request(Requests.listRuns, { configPath }),
    listTables: (configPath, runId) => engine.request(Requests.listTables, { configPath, runId }),
    chunkGroups: (configPath, runId, tableOrdinal) => engine.request(Requests.chunkGroups, { configPath, runId, tableOrdinal }),
    listChunks: (configPath, q) => engine.request(Requests.listChunks, { configPath, ...q }),
    listWorkers: (configPath, runId) => engine.request(Requests.listWorkers, { configPath, runId }),
  };
}

function describeFailure(err: unknown): ReadFailure {
  const wire = wireErrorOf(err);
  return { message: messageOf(err), issues: wire?.issues };
}
