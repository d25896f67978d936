import type { PlanReport } from '../../protocol/engine';
import { formatCount, formatDuration } from './progressView';
import { describeWatermark } from '../incremental/watermark';

/** `thaw plan` for people: per table its chunks and rows, then every column decision. */
export function printPlan(plan: PlanReport, out: NodeJS.WritableStream = process.stdout): void {
  const w = (line = '') => out.write(`${line}\n`);
  w(`plan ${plan.runId} (config ${plan.configHash.slice(0, 12)})`);
  w(plan.sourceTime ? `snapshot: every chunk reads the source as of ${plan.sourceTime}` : 'snapshot: off (chunks read the live source)');
  w();
  for (const t of plan.tables) {
    w(`${t.sourceTable} -> ${t.target}${t.targetExists ? '' : ' (will be created)'}`);
    if (t.watermark) w(`  ${describeWatermark(t.watermark)}`);
    w(`  ${formatCount(t.rows)} rows in ${t.chunks} chunks (largest ${formatCount(t.largestChunkRows)} rows; ${t.nullPartitionChunks} for NULL partition values, ${t.nullSplitChunks} for NULL split values)`);
    const width = Math.max(...t.columns.map((c) => c.source.length));
    for (const c of t.columns) {
      w(`  ${c.source.padEnd(width)}  ${c.sourceType.padEnd(16)} -> ${c.targetType.padEnd(18)} ${c.reason}`);
      for (const warning of c.warnings) w(`  ${''.padEnd(width)}  ! ${warning}`);
    }
    w();
  }
  w(`total: ${formatCount(plan.totalRows)} rows in ${plan.totalChunks} chunks`);
  w(`estimate: ${plan.estimateSeconds === null ? 'unknown' : formatDuration(plan.estimateSeconds)} (${plan.estimateBasis})`);
}
