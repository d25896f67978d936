// The plan report that Migration: Plan opens as a readable document. Markdown, built from protocol
// values only. Pure: unit-tested in plain Node.
import type { PlanReport } from '../protocol/engine';
import { formatDuration } from './format';

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
