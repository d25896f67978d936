// Which run or chunk a command acts on: the tree item it was invoked on, the argument a caller
// passed ({ configPath, runId, ... }), or the user's pick among the listed runs.
import * as vscode from 'vscode';
import type { ChunkDetail, RunSummary } from '../../protocol/engine';
import { RUN_STATE_LABELS, formatPercent } from '../format';
import type { TreeNode } from '../runsTree/nodes';
import type { Ctx, RunTarget } from './ctx';

function isNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'id' in arg;
}

/** The run named by a command argument, if it names one. */
export function runOfArg(ctx: Ctx, arg: unknown): RunTarget | undefined {
  const node = typeof arg === 'string' ? ctx.model.node(arg) : isNode(arg) ? arg : undefined;
  if (node) {
    switch (node.kind) {
      case 'run':
        return { configPath: node.configPath, runId: node.run.runId };
      case 'table':
        return { configPath: node.configPath, runId: node.table.runId };
      case 'state':
        return { configPath: node.configPath, runId: node.runId };
      case 'partition':
        return { configPath: node.configPath, runId: node.group.runId };
      case 'chunk':
        return { configPath: node.configPath, runId: node.chunk.runId };
      default:
        return undefined;
    }
  }
  if (typeof arg === 'object' && arg !== null && 'configPath' in arg && 'runId' in arg) {
    const a = arg as { configPath: unknown; runId: unknown };
    if (typeof a.configPath === 'string' && typeof a.runId === 'string') return { configPath: a.configPath, runId: a.runId };
  }
  return undefined;
}

export function chunkOfArg(ctx: Ctx, arg: unknown): { configPath: string; chunk: Pick<ChunkDetail, 'runId' | 'chunkId' | 'tableOrdinal'> & Partial<ChunkDetail> } | undefined {
  const node = typeof arg === 'string' ? ctx.model.node(arg) : isNode(arg) ? arg : undefined;
  if (node?.kind === 'chunk') return { configPath: node.configPath, chunk: node.chunk };
  if (typeof arg === 'object' && arg !== null && 'chunkId' in arg) {
    const a = arg as { configPath?: unknown; runId?: unknown; chunkId?: unknown; tableOrdinal?: unknown };
    if (typeof a.configPath === 'string' && typeof a.runId === 'string' && typeof a.chunkId === 'number') {
      return { configPath: a.configPath, chunk: { runId: a.runId, chunkId: a.chunkId, tableOrdinal: typeof a.tableOrdinal === 'number' ? a.tableOrdinal : -1 } };
    }
  }
  return undefined;
}

/**
 * The run to act on: from the argument, else the only candidate, else a quick pick. When there is
 * no candidate the user is told why (`none`), so a command in the wrong state says so.
 */
export async function resolveRun(
  ctx: Ctx,
  arg: unknown,
  options: { accepts: (run: RunSummary) => boolean; none: string; placeHolder: string },
): Promise<RunTarget | undefined> {
  const given = runOfArg(ctx, arg);
  if (given) return given;
  await ctx.model.refresh();
  const candidates = ctx.model.allRuns().filter((r) => options.accepts(r.run));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(options.none);
    return undefined;
  }
  if (candidates.length === 1) return { configPath: candidates[0]!.configPath, runId: candidates[0]!.run.runId };
  const picked = await vscode.window.showQuickPick(
    candidates.map(({ configPath, run }) => ({
      label: run.runId,
      description: `${RUN_STATE_LABELS[run.status]} · ${formatPercent(run.percent)} · ${run.targetSchemas.join(', ')}`,
      detail: vscode.workspace.asRelativePath(configPath),
      target: { configPath, runId: run.runId },
    })),
    { placeHolder: options.placeHolder, title: 'Migration run' },
  );
  return picked?.target;
}

/** The summary of a listed run, if the tree has read it. */
export function summaryOf(ctx: Ctx, target: RunTarget): RunSummary | undefined {
  return ctx.model.allRuns().find((r) => r.configPath === target.configPath && r.run.runId === target.runId)?.run;
}
