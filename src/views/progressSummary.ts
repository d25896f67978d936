// Show Progress until the progress panel exists: a readable summary document of a run (progress,
// rate, ETA, tables, workers), rebuilt while it is open whenever the tree reads new figures.
import { Requests } from '../protocol/engine';
import type { ProgressView, RunTarget } from './commands/ctx';
import type { ThawDocuments } from './documents';
import type { EngineHost } from './engineHost';
import { progressMarkdown } from './reports';
import * as vscode from 'vscode';

export class ProgressSummary implements ProgressView {
  private readonly shown = new Map<string, RunTarget>();

  constructor(
    private readonly engine: EngineHost,
    private readonly docs: ThawDocuments,
  ) {}

  async show(target: RunTarget): Promise<void> {
    const markdown = await this.render(target);
    if (markdown === undefined) {
      void vscode.window.showInformationMessage(`Run ${target.runId} is not in the status tables of ${vscode.workspace.asRelativePath(target.configPath)}.`);
      return;
    }
    this.shown.set(target.runId, target);
    await this.docs.showReport(name(target), markdown);
  }

  /** Rebuilds the summaries that were shown (three reads each); called after the tree refreshed a run. */
  async refresh(runId: string): Promise<void> {
    const target = this.shown.get(runId);
    if (!target) return;
    const markdown = await this.render(target).catch(() => undefined);
    if (markdown !== undefined) this.docs.updateReport(name(target), markdown);
  }

  private async render(target: RunTarget): Promise<string | undefined> {
    const [runs, tables, workers] = await Promise.all([
      this.engine.request(Requests.listRuns, { configPath: target.configPath }),
      this.engine.request(Requests.listTables, target),
      this.engine.request(Requests.listWorkers, target),
    ]);
    const run = runs.find((r) => r.runId === target.runId);
    return run && progressMarkdown(run, tables, workers, vscode.workspace.asRelativePath(target.configPath));
  }
}

function name(target: RunTarget): string {
  return `progress-${target.runId}.md`;
}
