// The readable documents the commands open: the plan report (Migration: Plan) and the progress
// summary (Migration: Show Progress, until the progress panel replaces it). Markdown, built from
// protocol values only. Pure: unit-tested in plain Node.
import type { PlanReport, RunSummary, TableSummary, WorkerSummary } from '../protocol/engine';
import { formatCount, formatDuration, formatPercent, formatRate, RUN_STATE_LABELS } from './format';

function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: string[], rows: Array<Array<string | number>>): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

export function planMarkdown(plan: PlanReport, configPath: string): string {
  const lines = [
    `# Migration plan ${plan.runId}`,
    '',
    `Config: \`${configPath}\` (hash \`${plan.configHash}\`)`,
    '',
    plan.sourceTime ? `Consistent snapshot of the source at ${plan.sourceTime}.` : 'No consistent snapshot: rows changing during the load may be missed or counted twice.',
    '',
    `**${plan.totalRows.toLocaleString('en-US')} rows in ${plan.totalChunks.toLocaleString('en-US')} chunks**, ` +
      (plan.estimateSeconds === null ? `no estimate yet (${plan.estimateBasis}).` : `estimated ${formatDuration(plan.estimateSeconds)} (${plan.estimateBasis}).`),
    '',
    '## Tables',
    '',
    ...table(
      ['source', 'target', 'rows', 'chunks', 'largest chunk', 'NULL-partition chunks', 'NULL-split chunks', 'target table'],
      plan.tables.map((t) => [t.sourceTable, t.target, t.rows.toLocaleString('en-US'), t.chunks, t.largestChunkRows.toLocaleString('en-US'), t.nullPartitionChunks, t.nullSplitChunks, t.targetExists ? 'exists' : 'created']),
    ),
  ];
  for (const t of plan.tables) {
    lines.push('', `## Type decisions: ${t.sourceTable} → ${t.target}`, '');
    lines.push(...table(['column', 'Snowflake type', 'PostgreSQL column', 'PostgreSQL type', 'why', 'warnings'], t.columns.map((c) => [c.source, c.sourceType, c.target, c.targetType, c.reason, c.warnings.join('; ')])));
  }
  lines.push('', 'Run **Migration: Start** to begin this plan.', '');
  return lines.join('\n');
}

export function progressMarkdown(run: RunSummary, tables: TableSummary[], workers: WorkerSummary[], configPath: string): string {
  const lines = [
    `# Migration run ${run.runId}: ${RUN_STATE_LABELS[run.status]}`,
    '',
    `Config: \`${configPath}\` · target schema ${run.targetSchemas.join(', ')}`,
    '',
    `- progress: **${formatPercent(run.percent)}**, ${run.rowsLoaded.toLocaleString('en-US')} of ${run.rowsTotal.toLocaleString('en-US')} rows`,
    `- rate: ${formatRate(run.rowsPerSecond)}${run.etaSeconds !== null ? `, ETA ${formatDuration(run.etaSeconds)}` : ''}`,
    `- chunks: ${run.chunks.completed} completed, ${run.chunks.in_progress} in progress, ${run.chunks.pending} pending, ${run.chunks.failed} failed (of ${run.chunksTotal})`,
    `- threads: ${run.parallelThreads}, batch size: ${run.batchSize.toLocaleString('en-US')}, live workers: ${run.liveWorkers}`,
    `- started: ${run.startedAt ?? 'not yet'}${run.finishedAt ? `, finished: ${run.finishedAt}` : ''}`,
    ...(run.error ? ['', `**Error:** ${run.error}`] : []),
    '',
    '## Tables',
    '',
    ...table(
      ['source', 'target', 'state', 'done', 'chunks', 'rows', 'failed'],
      tables.map((t) => [t.sourceTable, `${t.targetSchema}.${t.targetTable}`, t.status, formatPercent(t.percent), `${t.chunks.completed}/${t.totalChunks}`, `${formatCount(t.rowsLoaded)}/${formatCount(t.rowsTotal)}`, t.chunks.failed]),
    ),
    '',
    '## Workers',
    '',
    ...(workers.length === 0
      ? ['No worker has joined this run yet.']
      : table(
          ['worker', 'host', 'pid', 'state', 'threads', 'RSS', 'last heartbeat'],
          workers.map((w) => [w.workerId, w.host, w.pid, w.status, w.threads ?? '', w.rssMb === null ? '' : `${w.rssMb} MB`, w.heartbeatAt]),
        )),
    '',
  ];
  return lines.join('\n');
}
