// Plan, Start, Resume, Stop, Abort, Abandon, Tune and Show Progress. Each says so when invoked in
// a state where it cannot act (no config, no run, a run that is not running).
import * as vscode from 'vscode';
import { Requests } from '../../protocol/engine';
import { isOpenRun } from '../runsTree/nodes';
import { RUNS_VIEW_ID } from '../runsTree/provider';
import { planMarkdown } from '../reports';
import type { Ctx } from './ctx';
import { resolveRun, runOfArg, summaryOf } from './targets';

/** Shows the view's progress bar (and a notification-free busy state) while `work` runs. */
export function inView<T>(title: string, work: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: { viewId: RUNS_VIEW_ID }, title }, work);
}

export async function plan(ctx: Ctx, arg?: unknown): Promise<void> {
  const configPath = await ctx.configs.pick(arg);
  if (!configPath) return;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Migration: planning' },
      () => ctx.engine.request(Requests.plan, { configPath }),
    );
    ctx.errors.clear(configPath);
    ctx.log.info(`planned run ${report.runId}: ${report.totalRows} rows in ${report.totalChunks} chunks`, { configPath });
    await ctx.docs.showReport(`plan-${report.runId}.md`, planMarkdown(report, vscode.workspace.asRelativePath(configPath)));
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Plan', err, configPath);
  }
}

function busy(ctx: Ctx): boolean {
  const active = ctx.engine.activeRun;
  if (!active) return false;
  void vscode.window.showWarningMessage(`This window is already executing run ${active.runId}. Stop it first, or run another migration with the thaw CLI.`);
  return true;
}

export async function start(ctx: Ctx, arg?: unknown): Promise<void> {
  if (busy(ctx)) return;
  const configPath = await ctx.configs.pick(arg);
  if (!configPath) return;
  try {
    const { runId } = await inView('Starting migration', () => ctx.engine.request(Requests.start, { configPath }));
    ctx.errors.clear(configPath);
    ctx.log.info(`run ${runId} started`, { configPath });
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Start', err, configPath);
  }
}

export async function resume(ctx: Ctx, arg?: unknown): Promise<void> {
  if (busy(ctx)) return;
  const target = await resolveRun(ctx, arg, {
    accepts: (r) => isOpenRun(r.status),
    none: 'No unfinished migration run to resume.',
    placeHolder: 'Resume which run?',
  });
  if (!target) return;
  try {
    await inView('Resuming migration', () => ctx.engine.request(Requests.resume, target));
    ctx.log.info(`run ${target.runId} resumed`, { configPath: target.configPath });
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Resume', err, target.configPath);
  }
}

export async function stop(ctx: Ctx, arg?: unknown): Promise<void> {
  const target = await resolveRun(ctx, arg, {
    accepts: (r) => r.status === 'in_progress' || r.status === 'pending',
    none: 'No migration run is active: there is nothing to stop.',
    placeHolder: 'Stop which run (its chunks in flight finish first)?',
  });
  if (!target) return;
  try {
    await ctx.engine.request(Requests.stop, target);
    ctx.log.info(`stop requested for run ${target.runId}: workers finish their chunks in flight`);
    vscode.window.setStatusBarMessage(`$(debug-pause) Stopping run ${target.runId} after its chunks in flight`, 5000);
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Stop', err, target.configPath);
  }
}

export async function abort(ctx: Ctx): Promise<void> {
  const active = ctx.engine.activeRun;
  if (!active) {
    const elsewhere = ctx.model.allRuns().find((r) => r.run.status === 'in_progress');
    void vscode.window.showInformationMessage(
      elsewhere
        ? `Run ${elsewhere.run.runId} is executed by another process; Abort rolls back only this window's chunks in flight. Use Stop to stop it.`
        : 'No migration run is active in this window: there is nothing to abort.',
    );
    return;
  }
  try {
    await ctx.engine.request(Requests.workerAbort, {});
    ctx.log.warn(`run ${active.runId} aborted: chunks in flight rolled back; Resume continues it`);
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Abort', err, active.configPath);
  }
}

export async function abandon(ctx: Ctx, arg?: unknown): Promise<void> {
  const target = await resolveRun(ctx, arg, {
    accepts: (r) => isOpenRun(r.status),
    none: 'No unfinished migration run to abandon.',
    placeHolder: 'Abandon which run (it can never be resumed)?',
  });
  if (!target) return;
  const confirm = await vscode.window.showWarningMessage(
    `Abandon run ${target.runId}? It is closed for good and cannot be resumed; rows already loaded stay in the target tables.`,
    { modal: true },
    'Abandon',
  );
  if (confirm !== 'Abandon') return;
  try {
    if (ctx.engine.activeRun?.runId === target.runId) await ctx.engine.request(Requests.workerAbort, {});
    await ctx.engine.request(Requests.abandon, target);
    await ctx.memory.forget(target.runId);
    ctx.log.info(`run ${target.runId} abandoned`);
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Abandon', err, target.configPath);
  }
}

function positiveInteger(max: number) {
  return (value: string) => (/^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= max ? undefined : `A whole number from 1 to ${max.toLocaleString('en-US')}`);
}

export async function tune(ctx: Ctx, arg?: unknown): Promise<void> {
  const target = await resolveRun(ctx, arg, {
    accepts: (r) => isOpenRun(r.status),
    none: 'No unfinished migration run to tune.',
    placeHolder: 'Tune which run?',
  });
  if (!target) return;
  const given = (typeof arg === 'object' && arg !== null ? arg : {}) as { threads?: unknown; batchSize?: unknown };
  let threads = typeof given.threads === 'number' ? given.threads : undefined;
  let batchSize = typeof given.batchSize === 'number' ? given.batchSize : undefined;
  if (threads === undefined && batchSize === undefined) {
    const run = summaryOf(ctx, target);
    const t = await vscode.window.showInputBox({
      title: `Tune run ${target.runId} (1/2)`,
      prompt: 'Threads: chunks loaded at once by each worker (applied within a second)',
      value: String(run?.parallelThreads ?? ''),
      validateInput: positiveInteger(256),
    });
    if (t === undefined) return;
    const b = await vscode.window.showInputBox({
      title: `Tune run ${target.runId} (2/2)`,
      prompt: 'Batch size: rows per chunk (chunks nobody has claimed are cut again)',
      value: String(run?.batchSize ?? ''),
      validateInput: positiveInteger(10_000_000),
    });
    if (b === undefined) return;
    threads = Number(t) !== run?.parallelThreads ? Number(t) : undefined;
    batchSize = Number(b) !== run?.batchSize ? Number(b) : undefined;
    if (threads === undefined && batchSize === undefined) {
      void vscode.window.showInformationMessage(`Run ${target.runId} already uses these settings.`);
      return;
    }
  }
  try {
    const r = await inView('Tuning', () => ctx.engine.request(Requests.tune, { ...target, threads, batchSize }));
    ctx.log.info(`run ${r.runId} tuned: ${r.threads} threads, batch size ${r.batchSize}${r.replannedChunks ? `, ${r.replannedChunks} chunks cut again` : ''}`);
    vscode.window.setStatusBarMessage(`$(settings) Run ${r.runId}: ${r.threads} threads, batch size ${r.batchSize.toLocaleString('en-US')}`, 5000);
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Tune', err, target.configPath);
  }
}

export async function showProgress(ctx: Ctx, arg?: unknown): Promise<void> {
  const active = ctx.activeRun();
  const target =
    runOfArg(ctx, arg) ??
    (active ? { configPath: active.configPath, runId: active.run.runId } : undefined) ??
    (await resolveRun(ctx, undefined, { accepts: () => true, none: 'No migration run yet: plan and start one first.', placeHolder: 'Show the progress of which run?' }));
  if (!target) return;
  try {
    await ctx.progressView.show(target);
  } catch (err) {
    await ctx.errors.report('Show Progress', err, target.configPath);
  }
}

export function focusFailures(): Thenable<unknown> {
  return vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
}
