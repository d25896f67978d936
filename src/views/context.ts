// The extension's one context object: it owns the log channel, the engine worker of a running
// migration and the commands. The engine runs in dist/worker.cjs and is driven only through the
// typed protocol (src/protocol/engine.ts).
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Events, Requests, type DataOf, type ProgressSnapshot } from '../protocol/engine';
import { EngineClient, EngineRequestError } from '../engine/worker/client';

export class ThawContext {
  private readonly log: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private worker: EngineClient | undefined;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Thaw', { log: true });
    this.disposables.push(
      this.log,
      vscode.commands.registerCommand('thaw.planMigration', () => this.plan()),
      vscode.commands.registerCommand('thaw.startMigration', () => this.run(Requests.start)),
      vscode.commands.registerCommand('thaw.resumeMigration', () => this.run(Requests.resume)),
      vscode.commands.registerCommand('thaw.stopMigration', () => this.stop()),
      vscode.commands.registerCommand('thaw.showLogs', () => this.log.show()),
    );
  }

  private async pickConfig(): Promise<string | undefined> {
    const files = await vscode.workspace.findFiles('{config.json,**/*.thaw.json}', '**/node_modules/**', 50);
    if (files.length === 0) {
      void vscode.window.showErrorMessage('Thaw: no config.json or *.thaw.json in this workspace.');
      return undefined;
    }
    if (files.length === 1) return files[0]!.fsPath;
    const picked = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), path: f.fsPath })),
      { placeHolder: 'Which migration config?' },
    );
    return picked?.path;
  }

  private startWorker(): EngineClient {
    const worker = new EngineClient({ workerPath: join(this.extension.extensionPath, 'dist', 'worker.cjs') });
    worker.on(Events.log, (e) => this.log[e.level](e.message, e.context ?? {}));
    worker.onStderr((line) => this.log.warn(`worker: ${line}`));
    worker.onExit((exit) => {
      if (this.worker === worker) this.worker = undefined;
      if (exit.code !== 0) this.log.error(`engine worker ended (${exit.signal ?? `code ${exit.code}`})`, exit.stderrTail);
    });
    return worker;
  }

  private async plan(): Promise<void> {
    const configPath = await this.pickConfig();
    if (!configPath) return;
    const worker = this.startWorker();
    try {
      const plan = await worker.request(Requests.plan, { configPath });
      this.log.info(`plan ${plan.runId}: ${plan.totalRows} rows in ${plan.totalChunks} chunks`);
      for (const t of plan.tables) this.log.info(`${t.sourceTable} -> ${t.target}: ${t.rows} rows, ${t.chunks} chunks`);
      void vscode.window.showInformationMessage(`Thaw: planned ${plan.totalRows.toLocaleString()} rows in ${plan.totalChunks} chunks (run ${plan.runId}).`);
    } catch (err) {
      this.report(err);
    } finally {
      worker.shutdown();
    }
  }

  private async run(method: typeof Requests.start | typeof Requests.resume): Promise<void> {
    if (this.worker) {
      void vscode.window.showWarningMessage('Thaw: a migration is already running in this window.');
      return;
    }
    const configPath = await this.pickConfig();
    if (!configPath) return;
    const worker = this.startWorker();
    this.worker = worker;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Thaw', cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          token.onCancellationRequested(() => void worker.request(Requests.workerStop, {}).catch(() => worker.shutdown()));
          worker.on(Events.runProgress, (p: ProgressSnapshot) => {
            const pct = p.rowsTotal > 0 ? (100 * p.rowsLoaded) / p.rowsTotal : 0;
            progress.report({ increment: pct - reported, message: `${p.rowsLoaded.toLocaleString()} / ${p.rowsTotal.toLocaleString()} rows, ${Math.round(p.rowsPerSecond).toLocaleString()} rows/s` });
            reported = pct;
          });
          worker.on(Events.runFinished, (e: DataOf<typeof Events.runFinished>) => {
            const text = `Thaw: run ${e.runId} ${e.status}, ${e.rowsLoaded.toLocaleString()} rows in ${e.seconds.toFixed(0)} s.`;
            if (e.status === 'completed') void vscode.window.showInformationMessage(text);
            else void vscode.window.showWarningMessage(text);
            worker.shutdown();
          });
          worker.onExit(() => resolve());
          worker.request(method, { configPath }).catch((err: unknown) => {
            this.report(err);
            worker.shutdown();
          });
        }),
    );
  }

  private async stop(): Promise<void> {
    if (!this.worker) {
      void vscode.window.showInformationMessage('Thaw: no migration is running in this window.');
      return;
    }
    await this.worker.request(Requests.workerStop, {}).catch(() => this.worker?.shutdown());
  }

  private report(err: unknown): void {
    const message = err instanceof EngineRequestError || err instanceof Error ? err.message : String(err);
    this.log.error(message);
    void vscode.window.showErrorMessage(`Thaw: ${message}`, 'Open Logs').then((choice) => choice && this.log.show());
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    worker?.shutdown();
    await worker?.waitForExit();
    for (const d of this.disposables) d.dispose();
  }
}
