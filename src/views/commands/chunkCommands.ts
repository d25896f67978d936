// Retry Chunk (inline and context action on a failed chunk; a click on one offers it), Retry
// Failed Chunks of a table, and paging through long chunk lists.
import * as vscode from 'vscode';
import { Requests, type ParamsOf } from '../../protocol/engine';
import type { Ctx, RunTarget } from './ctx';
import { chunkOfArg, runOfArg } from './targets';

/**
 * Re-queues failed chunks and gets them loaded: by this window's worker when it is free, or by the
 * run it is already executing when that is the run.
 */
async function requeue(ctx: Ctx, target: RunTarget, which: { chunkId?: number; tableOrdinal?: number }, label: string): Promise<void> {
  const active = ctx.engine.activeRun;
  if (active && active.runId !== target.runId) {
    void vscode.window.showWarningMessage(`This window is executing run ${active.runId}; retry ${label} of run ${target.runId} once it has finished, or from the thaw CLI.`);
    return;
  }
  const params: ParamsOf<typeof Requests.retry> = { ...target, ...which, queueOnly: active?.runId === target.runId };
  try {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Retrying ${label}` }, () => ctx.engine.request(Requests.retry, params));
    if (r.requeued === 0) {
      void vscode.window.showInformationMessage(`Nothing to retry: ${label} of run ${target.runId} is not failed (any more).`);
    } else {
      ctx.log.info(`run ${target.runId}: ${r.requeued} failed chunk${r.requeued === 1 ? '' : 's'} re-queued (${label})`);
    }
    ctx.model.invalidateRun(target.configPath, target.runId);
    ctx.refreshSoon();
  } catch (err) {
    await ctx.errors.report('Retry', err, target.configPath);
  }
}

export async function retryChunk(ctx: Ctx, arg?: unknown): Promise<void> {
  const chunk = chunkOfArg(ctx, arg);
  if (!chunk) {
    void vscode.window.showInformationMessage('Retry Chunk acts on a failed chunk: choose one in the Migrations view (or use Retry Failed Chunks).');
    await vscode.commands.executeCommand('thaw.runs.focus');
    return;
  }
  await requeue(ctx, { configPath: chunk.configPath, runId: chunk.chunk.runId }, { chunkId: chunk.chunk.chunkId }, `chunk ${chunk.chunk.chunkId}`);
}

export async function retryFailedChunks(ctx: Ctx, arg?: unknown): Promise<void> {
  const node = typeof arg === 'string' ? ctx.model.node(arg) : (arg as { kind?: string } | undefined);
  const run = runOfArg(ctx, arg);
  if (!run) {
    void vscode.window.showInformationMessage('Retry Failed Chunks acts on a table or run with failed chunks: choose one in the Migrations view.');
    await vscode.commands.executeCommand('thaw.runs.focus');
    return;
  }
  if (node && node.kind === 'table' && 'table' in node) {
    const t = (node as { table: { tableOrdinal: number; sourceTable: string } }).table;
    await requeue(ctx, run, { tableOrdinal: t.tableOrdinal }, `the failed chunks of ${t.sourceTable}`);
  } else {
    await requeue(ctx, run, {}, 'the failed chunks');
  }
}

/** A click on a failed chunk: its error, and Retry. */
export async function chunkClicked(ctx: Ctx, nodeId: string): Promise<void> {
  const found = chunkOfArg(ctx, nodeId);
  if (!found) return;
  const c = found.chunk;
  const items: Array<vscode.QuickPickItem & { action: 'retry' | 'copy' }> = [
    { label: `$(debug-restart) Retry chunk ${c.chunkId}`, detail: 'Re-queue it and load it again', action: 'retry' },
    { label: '$(copy) Copy error', detail: c.lastError ?? undefined, action: 'copy' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Chunk ${c.chunkId} failed${c.errorCode ? ` (${c.errorCode})` : ''} after ${c.attempts ?? '?'} attempt${c.attempts === 1 ? '' : 's'}`,
    placeHolder: c.lastError ?? 'failed',
  });
  if (picked?.action === 'retry') await retryChunk(ctx, nodeId);
  else if (picked?.action === 'copy') await vscode.env.clipboard.writeText(c.lastError ?? '');
}

export async function showMoreChunks(ctx: Ctx, parentId: string): Promise<void> {
  try {
    await ctx.model.showMore(parentId);
  } catch (err) {
    await ctx.errors.report('Show More', err);
  }
}
