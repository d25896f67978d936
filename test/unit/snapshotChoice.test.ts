// How a run reads its snapshot: the choice between Time Travel and a clone (auto takes the clone
// when the estimate passes the shortest retention), and what `thaw plan` says about it.
import assert from 'node:assert/strict';
import { chooseSnapshot } from '../../src/engine/plan/snapshotChoice';
import { snapshotLines } from '../../src/engine/cli/printSnapshot';
import { cloneNameFor } from '../../src/engine/run/snapshotClones';
import { configSchema } from '../../src/engine/config/schema';
import type { PlanReport } from '../../src/protocol/engine';
import { validConfig } from './configFixtures';

const DAY = 86_400;
const RETENTIONS = [
  { table: 'PUBLIC.BIG', days: 3 },
  { table: 'PUBLIC.SMALL', days: 1 },
];

function report(choice: ReturnType<typeof chooseSnapshot>, clones: string[] = []): PlanReport {
  return {
    runId: 'r',
    configHash: 'h',
    sourceTime: '2026-12-01 10:00:00.000 +00:00',
    tables: [],
    totalRows: 0,
    totalChunks: 0,
    estimateSeconds: choice.estimateSeconds,
    estimateBasis: '',
    snapshot: { mode: choice.mode, reason: choice.reason, retentionDays: choice.retentionDays, retentionTable: choice.retentionTable, clones },
  };
}

describe('snapshot choice: Time Travel or a clone', () => {
  it('auto takes the clone when the estimate passes the shortest retention, and says so', () => {
    const choice = chooseSnapshot('auto', 1.5 * DAY, RETENTIONS);
    assert.deepEqual(choice, { mode: 'clone', reason: 'estimate_passes_retention', retentionDays: 1, retentionTable: 'PUBLIC.SMALL', estimateSeconds: 1.5 * DAY });
    assert.deepEqual(snapshotLines(report(choice, ['DB.PUBLIC.SMALL_THAW_R'])), [
      'snapshot: every chunk reads a zero-copy clone of its table as of 2026-12-01 10:00:00.000 +00:00, dropped when the run completes or is abandoned',
      '  auto: the estimate (36h00m) passes the retention: PUBLIC.SMALL keeps Time Travel for 1 day (DATA_RETENTION_TIME_IN_DAYS); clones do not expire',
      '  clones: DB.PUBLIC.SMALL_THAW_R',
    ]);
  });

  it('auto keeps Time Travel when the estimate fits or is unknown, and says what a longer pause means', () => {
    const fits = chooseSnapshot('auto', 2 * 3600, RETENTIONS);
    assert.equal(fits.mode, 'time_travel');
    assert.equal(fits.reason, 'estimate_fits_retention');
    assert.deepEqual(snapshotLines(report(fits)), [
      'snapshot: every chunk reads the source as of 2026-12-01 10:00:00.000 +00:00 through Time Travel',
      '  auto: the estimate (2h00m) fits in the retention: PUBLIC.SMALL keeps Time Travel for 1 day (DATA_RETENTION_TIME_IN_DAYS); a run unfinished by then cannot be resumed (set "snapshot": "clone" to allow that)',
    ]);
    const unknown = chooseSnapshot('auto', null, RETENTIONS);
    assert.deepEqual([unknown.mode, unknown.reason], ['time_travel', 'no_estimate']);
    assert.match(snapshotLines(report(unknown))[1]!, /^ {2}auto: no estimate yet; PUBLIC\.SMALL keeps Time Travel for 1 day/);
  });

  it('a configured mode wins over the estimate; time_travel past the retention is pointed out', () => {
    assert.equal(chooseSnapshot('clone', 60, RETENTIONS).mode, 'clone');
    const forced = chooseSnapshot('time_travel', 5 * DAY, RETENTIONS);
    assert.deepEqual([forced.mode, forced.reason], ['time_travel', 'configured']);
    assert.match(snapshotLines(report(forced))[1]!, /"snapshot": "time_travel" in the config, but the estimate \(120h00m\) passes it/);
  });

  it('names a clone after its table and run, in the configured schema or the table’s own', () => {
    const table = { database: 'DB', schema: 'SALES', table: 'ORDERS' };
    assert.deepEqual(cloneNameFor('20261201-101500-ab12', table, null), { database: 'DB', schema: 'SALES', table: 'ORDERS_THAW_20261201_101500_AB12' });
    assert.equal(cloneNameFor('20261201-101500-ab12', table, 'SCRATCH').schema, 'SCRATCH');
    assert.ok(cloneNameFor('r', { ...table, table: 'T'.repeat(255) }, null).table.length <= 255);
  });

  it('config: snapshot defaults to auto and accepts only its three modes', () => {
    const parsed = configSchema.parse(validConfig());
    assert.equal(parsed.snapshot, 'auto');
    assert.equal(parsed.snapshot_clone_schema, undefined);
    const wrong = configSchema.safeParse({ ...validConfig(), snapshot: 'forever' });
    assert.ok(!wrong.success);
    assert.match(wrong.error.issues[0]!.message, /auto|time_travel|clone/);
  });
});
