// The nodes of the Migrations tree and how each one reads: label, description, tooltip, icon,
// context value. Pure data and functions (no vscode import): unit-tested in plain Node, mapped
// to TreeItems by ./provider.ts.
import type { ChunkDetail, ChunkGroup, RunSummary, TableSummary, WorkerSummary } from '../../protocol/engine';
import type { ChunkState, RunState, TableState } from '../../protocol/states';
import { formatCount, formatPercent, formatRate, formatStartTime, RUN_STATE_LABELS } from '../format';
import type { NodeView } from './nodeView';
import { workersView, workerView } from './workerNodes';

export type TreeNode =
  | { kind: 'config'; id: string; configPath: string; label: string }
  | { kind: 'run'; id: string; configPath: string; run: RunSummary }
  | { kind: 'table'; id: string; configPath: string; table: TableSummary }
  /** A table's chunks in one state; its children are partitions (or chunks when there is one). */
  | { kind: 'state'; id: string; configPath: string; runId: string; tableOrdinal: number; status: ChunkState; groups: ChunkGroup[] }
  | { kind: 'partition'; id: string; configPath: string; group: ChunkGroup }
  | { kind: 'chunk'; id: string; configPath: string; chunk: ChunkDetail }
  /** The live workers of a run; their nodes are its children. */
  | { kind: 'workers'; id: string; configPath: string; runId: string; live: number }
  | { kind: 'worker'; id: string; configPath: string; worker: WorkerSummary }
  /** "Show more": the next page of a chunk list. */
  | { kind: 'more'; id: string; parentId: string; shown: number; total: number }
  | { kind: 'message'; id: string; severity: 'error' | 'info'; text: string; detail: string; configPath?: string; line?: number };

export type NodeKind = TreeNode['kind'];


const RUN_ICONS: Record<RunState, { id: string; color?: string }> = {
  pending: { id: 'clock' },
  in_progress: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'debug-pause', color: 'charts.yellow' },
  abandoned: { id: 'circle-slash' },
};

const TABLE_ICONS: Record<TableState, { id: string; color?: string }> = {
  pending: { id: 'clock' },
  in_progress: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'debug-pause', color: 'charts.yellow' },
};

const CHUNK_ICONS: Record<ChunkState, { id: string; color?: string }> = {
  pending: { id: 'circle-outline' },
  in_progress: { id: 'loading~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

const CHUNK_STATE_LABELS: Record<ChunkState, string> = {
  failed: 'failed',
  in_progress: 'in progress',
  pending: 'pending',
  completed: 'completed',
};

/** The order a table's state groups are listed in: what needs attention first. */
export const STATE_ORDER: readonly ChunkState[] = ['failed', 'in_progress', 'pending', 'completed'];

/** States whose chunks are listed one by one (paged); the others stay counted groups. */
export function listsChunks(status: ChunkState): boolean {
  return status === 'failed' || status === 'in_progress';
}

/** An open run is one a Stop/Abort/Resume/Abandon can still act on. */
export function isOpenRun(status: RunState): boolean {
  return status !== 'completed' && status !== 'abandoned';
}

export function partitionLabel(g: { partitionValue: string | null; partitionIsNull: boolean }): string {
  if (g.partitionIsNull) return 'NULL partition';
  return g.partitionValue ?? 'all rows';
}

export function keyRange(c: ChunkDetail): string {
  if (c.splitIsNull) return 'split IS NULL';
  return `[${c.splitLow ?? '-∞'}, ${c.splitHigh ?? '+∞'})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export function viewOf(node: TreeNode, now: Date = new Date()): NodeView {
  switch (node.kind) {
    case 'config':
      return { label: node.label, tooltip: escapeMarkdown(node.configPath), icon: { id: 'file-code' }, contextValue: 'config', collapsible: 'expanded' };
    case 'run':
      return runView(node.run, now);
    case 'table':
      return tableView(node.table);
    case 'state': {
      const chunks = node.groups.reduce((n, g) => n + g.chunks, 0);
      const rows = node.groups.reduce((n, g) => n + g.rowsExpected, 0);
      return {
        label: CHUNK_STATE_LABELS[node.status],
        description: `${chunks.toLocaleString('en-US')} chunk${chunks === 1 ? '' : 's'} · ${formatCount(rows)} rows`,
        icon: CHUNK_ICONS[node.status],
        contextValue: `chunkState.${node.status}`,
        collapsible: node.status === 'failed' ? 'expanded' : 'collapsed',
      };
    }
    case 'partition': {
      const g = node.group;
      const expandable = listsChunks(g.status);
      return {
        label: partitionLabel(g),
        description: `${g.chunks.toLocaleString('en-US')} chunk${g.chunks === 1 ? '' : 's'} · ${formatCount(g.rowsExpected)} rows · #${g.firstChunkId}–${g.lastChunkId}`,
        icon: CHUNK_ICONS[g.status],
        contextValue: `partition.${g.status}`,
        collapsible: expandable ? (g.status === 'failed' ? 'expanded' : 'collapsed') : 'none',
      };
    }
    case 'chunk':
      return chunkView(node);
    case 'workers':
      return workersView(node.live);
    case 'worker':
      return workerView(node.worker);
    case 'more':
      return {
        label: `Show more (${node.shown.toLocaleString('en-US')} of ${node.total.toLocaleString('en-US')})`,
        icon: { id: 'ellipsis' },
        contextValue: 'more',
        collapsible: 'none',
        command: { id: 'thaw.showMoreChunks', title: 'Show More', args: [node.parentId] },
      };
    case 'message':
      return {
        label: node.text,
        tooltip: escapeMarkdown(node.detail),
        icon: node.severity === 'error' ? { id: 'error', color: 'errorForeground' } : { id: 'info' },
        contextValue: `message.${node.severity}`,
        collapsible: 'none',
        command: node.configPath ? { id: 'thaw.openConfig', title: 'Open Config', args: [node.configPath, node.line] } : undefined,
      };
  }
}

function runView(run: RunSummary, now: Date): NodeView {
  const parts = [formatPercent(run.percent)];
  if (run.status === 'in_progress') parts.push(formatRate(run.rowsPerSecond));
  else parts.push(RUN_STATE_LABELS[run.status]);
  if (run.chunks.failed > 0) parts.push(`${run.chunks.failed} failed`);
  parts.push(run.targetSchemas.join(', '));
  parts.push(formatStartTime(run.startedAt ?? run.createdAt, now));
  const tooltip = [
    `**Run ${escapeMarkdown(run.runId)}** · ${RUN_STATE_LABELS[run.status]}`,
    '',
    `- rows: ${run.rowsLoaded.toLocaleString('en-US')} of ${run.rowsTotal.toLocaleString('en-US')} (${formatPercent(run.percent)})`,
    `- chunks: ${run.chunks.completed} completed, ${run.chunks.in_progress} in progress, ${run.chunks.pending} pending, ${run.chunks.failed} failed`,
    `- rate: ${formatRate(run.rowsPerSecond)}, live workers: ${run.liveWorkers}`,
    `- threads: ${run.parallelThreads}, batch size: ${run.batchSize.toLocaleString('en-US')}`,
    `- target schema: ${escapeMarkdown(run.targetSchemas.join(', '))}`,
    `- started: ${run.startedAt ?? 'not yet'}${run.finishedAt ? `, finished: ${run.finishedAt}` : ''}`,
    ...(run.error ? ['', `Error: ${escapeMarkdown(run.error)}`] : []),
  ].join('\n');
  return {
    label: run.runId,
    description: parts.join(' · '),
    tooltip,
    icon: RUN_ICONS[run.status],
    contextValue: `run.${isOpenRun(run.status) ? (run.status === 'in_progress' ? 'active' : 'open') : 'closed'}`,
    collapsible: run.status === 'in_progress' ? 'expanded' : 'collapsed',
  };
}

function tableView(t: TableSummary): NodeView {
  const done = t.chunks.completed;
  const parts = [`${done.toLocaleString('en-US')}/${t.totalChunks.toLocaleString('en-US')} chunks`, `${formatCount(t.rowsLoaded)}/${formatCount(t.rowsTotal)} rows`];
  if (t.chunks.failed > 0) parts.push(`${t.chunks.failed} failed`);
  const tooltip = [
    `**${escapeMarkdown(t.sourceTable)}** → ${escapeMarkdown(`${t.targetSchema}.${t.targetTable}`)} · ${t.status}`,
    '',
    `- rows: ${t.rowsLoaded.toLocaleString('en-US')} of ${t.rowsTotal.toLocaleString('en-US')} (${formatPercent(t.percent)})`,
    `- chunks: ${done} completed, ${t.chunks.in_progress} in progress, ${t.chunks.pending} pending, ${t.chunks.failed} failed`,
    ...(t.nulStrippedRows > 0 ? [`- rows with U+0000 stripped: ${t.nulStrippedRows.toLocaleString('en-US')}`] : []),
    ...t.warnings.map((w) => `- warning: ${escapeMarkdown(w)}`),
    ...(t.error ? ['', `Error: ${escapeMarkdown(t.error)}`] : []),
  ].join('\n');
  return {
    label: `${t.sourceTable} → ${t.targetSchema}.${t.targetTable}`,
    description: parts.join(' · '),
    tooltip,
    icon: TABLE_ICONS[t.status],
    contextValue: t.chunks.failed > 0 ? 'table.withFailures' : 'table',
    collapsible: t.status === 'in_progress' || t.chunks.failed > 0 ? 'expanded' : 'collapsed',
  };
}

function chunkView(node: Extract<TreeNode, { kind: 'chunk' }>): NodeView {
  const c = node.chunk;
  const failed = c.status === 'failed';
  const description = [keyRange(c), `${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`];
  if (failed && c.errorCode) description.push(c.errorCode);
  const tooltip = [
    `**Chunk ${c.chunkId}** · ${CHUNK_STATE_LABELS[c.status]}`,
    '',
    ...(failed ? [`Error: ${escapeMarkdown(c.lastError ?? 'unknown')}`, '', `- code: ${escapeMarkdown(c.errorCode ?? 'none')}`] : []),
    `- key range: ${escapeMarkdown(keyRange(c))}`,
    `- partition: ${escapeMarkdown(partitionLabel(c))}`,
    `- attempts: ${c.attempts}`,
    `- rows: ${c.rowsLoaded ?? 0} of ${c.rowsExpected} expected`,
    ...(c.workerId ? [`- worker: ${escapeMarkdown(c.workerId)}`] : []),
    ...(c.startedAt ? [`- started: ${c.startedAt}`] : []),
  ].join('\n');
  return {
    label: `chunk ${c.chunkId}`,
    description: description.join(' · '),
    tooltip,
    icon: CHUNK_ICONS[c.status],
    contextValue: `chunk.${c.status}`,
    collapsible: 'none',
    command: failed ? { id: 'thaw.chunkClicked', title: 'Failed Chunk', args: [node.id] } : undefined,
  };
}

/** The view's badge: failed chunks of the runs that can still be retried. */
export function failedChunkCount(runs: readonly RunSummary[]): number {
  return runs.filter((r) => isOpenRun(r.status)).reduce((n, r) => n + r.chunks.failed, 0);
}

/** Whether two summaries of one run differ in what the tree or its children show. */
export function runChanged(a: RunSummary, b: RunSummary): boolean {
  return (
    a.status !== b.status ||
    a.rowsLoaded !== b.rowsLoaded ||
    a.rowsTotal !== b.rowsTotal ||
    a.chunksTotal !== b.chunksTotal ||
    a.parallelThreads !== b.parallelThreads ||
    a.batchSize !== b.batchSize ||
    a.liveWorkers !== b.liveWorkers ||
    (Object.keys(a.chunks) as ChunkState[]).some((s) => a.chunks[s] !== b.chunks[s])
  );
}
