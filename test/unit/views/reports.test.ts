import assert from 'node:assert/strict';
import type { PlanReport } from '../../../src/protocol/engine';
import { planMarkdown, progressMarkdown } from '../../../src/views/reports';
import { aRun, aTable } from './builders';

describe('views: plan report and progress summary', () => {
  it('shows tables, chunks, rows, every type decision and the estimate', () => {
    const plan: PlanReport = {
      runId: 'r9',
      configHash: 'abc',
      sourceTime: '2026-12-01T15:00:00Z',
      totalRows: 1_000_000,
      totalChunks: 40,
      estimateSeconds: 281,
      estimateBasis: 'from 2 earlier runs',
      tables: [
        {
          tableOrdinal: 0,
          sourceTable: 'FACT',
          target: 'analytics_dev2.fact',
          rows: 1_000_000,
          chunks: 40,
          largestChunkRows: 25_000,
          nullPartitionChunks: 1,
          nullSplitChunks: 0,
          targetExists: false,
          columns: [{ source: 'AMOUNT', sourceType: 'NUMBER(18,4)', target: 'amount', targetType: 'numeric(18,4)', reason: 'exact decimal', warnings: [] }],
        },
      ],
    };
    const md = planMarkdown(plan, 'config.json');
    assert.match(md, /\*\*1,000,000 rows in 40 chunks\*\*, estimated 4m41s \(from 2 earlier runs\)/);
    assert.match(md, /\| FACT \| analytics_dev2\.fact \| 1,000,000 \| 40 \| 25,000 \| 1 \| 0 \| created \|/);
    assert.match(md, /\| AMOUNT \| NUMBER\(18,4\) \| amount \| numeric\(18,4\) \| exact decimal \|  \|/);
  });

  it('summarises a run’s progress, tables and workers', () => {
    const md = progressMarkdown(aRun(), [aTable()], [], 'config.json');
    assert.match(md, /progress: \*\*41%\*\*, 410,000 of 1,000,000 rows/);
    assert.match(md, /rate: 12\.3k rows\/s, ETA 3h12m/);
    assert.match(md, /\| FACT \| analytics_dev2\.fact \| in_progress \| 41% \| 16\/40 \| 410k\/1M \| 0 \|/);
    assert.match(md, /No worker has joined this run yet/);
  });
});
