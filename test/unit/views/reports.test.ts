import assert from 'node:assert/strict';
import type { PlanReport } from '../../../src/protocol/engine';
import { planMarkdown } from '../../../src/views/reports';

describe('views: the plan report', () => {
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
});
