// "Migration: Verify" (palette, and a run's context menu in the tree): `thaw verify` of the run's
// tables in this window's worker, with a notification that follows the ranges measured on each
// side. The result is stored in the status tables; the run's progress panel opens and shows it.
import * as vscode from 'vscode';
import { Events, Requests, type VerifyResult } from '../../protocol/engine';
import type { Ctx } from './ctx';
import { resolveRun } from './targets';

function summary(result: VerifyResult): string {
  if (result.equal) return `equal: ${result.tables.map((t) => `${t.targetSchema}.${t.targetTable} ${t.partitions.toLocaleString('en-US')} partitions`).join(', ')}`;
  const differing = result.tables.reduce((n, t) => n + t.partitions - t.equalPartitions, 0);
  return `${differing.toLocaleString('en-US')} partition(s) differ`;
}

export async function verify(ctx: Ctx, arg?: unknown): Promise<void> {
  const target = await resolveRun(ctx, arg, {
    accepts: () => true,
    none: 'No migration run yet: start one, then verify its copy.',
    placeHolder: 'Verify the tables of which run against Snowflake?',
  });
  if (!target) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying run ${target.runId}`, cancellable: false },
      async (progress) => {
        const done = new Map<string, number>();
        const listening = ctx.engine.on(Events.verifyProgress, (e) => {
          if (e.runId !== target.runId) return;
          done.set(`${e.table} ${e.side}`, e.done / e.total);
          const fractions = [...done.values()];
          progress.report({ message: `${e.table}: ${e.side} ${e.done}/${e.total} ranges (${Math.round((100 * fractions.reduce((a, b) => a + b, 0)) / Math.max(2, fractions.length))}%)` });
        });
        try {
          return await ctx.engine.request(Requests.verify, target);
        } finally {
          listening.dispose();
        }
      },
    );
    ctx.log.info(`run ${target.runId} verified (${result.verifyId}): ${summary(result)}`, { configPath: target.configPath });
    await ctx.progressView.show(target);
    if (result.equal) void vscode.window.showInformationMessage(`Run ${target.runId} verified: ${summary(result)}.`);
    else void vscode.window.showWarningMessage(`Run ${target.runId}: ${summary(result)} from Snowflake. "thaw verify --repair" reloads them.`);
  } catch (err) {
    await ctx.errors.report('Verify', err, target.configPath);
  }
}
