// Every command of the extension, registered in one place. Ids follow `thaw.<verb><Noun>`; the
// titles and the "Migration" category are in package.json.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { chunkClicked, retryChunk, retryFailedChunks, showMoreChunks } from './chunkCommands';
import { createConfig, openConfig, openMonitoringQuery, setSecret } from './configCommands';
import { abandon, abort, plan, resume, showProgress, start, stop, tune } from './runCommands';
import { verify } from './verifyCommand';

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const commands: Record<string, (...args: never[]) => unknown> = {
    'thaw.createConfig': () => createConfig(ctx),
    'thaw.planMigration': (arg?: unknown) => plan(ctx, arg),
    'thaw.startMigration': (arg?: unknown) => start(ctx, arg),
    'thaw.resumeMigration': (arg?: unknown) => resume(ctx, arg),
    'thaw.stopMigration': (arg?: unknown) => stop(ctx, arg),
    'thaw.abortMigration': () => abort(ctx),
    'thaw.abandonMigration': (arg?: unknown) => abandon(ctx, arg),
    'thaw.tuneMigration': (arg?: unknown) => tune(ctx, arg),
    'thaw.retryChunk': (arg?: unknown) => retryChunk(ctx, arg),
    'thaw.retryFailedChunks': (arg?: unknown) => retryFailedChunks(ctx, arg),
    'thaw.showProgress': (arg?: unknown) => showProgress(ctx, arg),
    'thaw.verifyMigration': (arg?: unknown) => verify(ctx, arg),
    'thaw.openConfig': (arg?: unknown, line?: number, column?: number) => openConfig(ctx, arg, line, column),
    'thaw.openMonitoringQuery': (arg?: unknown) => openMonitoringQuery(ctx, arg),
    'thaw.setSnowflakeSecret': (arg?: unknown) => setSecret(ctx, 'source', arg),
    'thaw.setPostgresSecret': (arg?: unknown) => setSecret(ctx, 'target', arg),
    'thaw.showLogs': () => ctx.log.show(true),
    'thaw.refreshRuns': () => ctx.model.refresh(),
    'thaw.chunkClicked': (nodeId: string) => chunkClicked(ctx, nodeId),
    'thaw.showMoreChunks': (parentId: string) => showMoreChunks(ctx, parentId),
  };
  return Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
