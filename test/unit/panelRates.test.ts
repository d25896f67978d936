import assert from 'node:assert/strict';
import type { ProgressSample } from '../../src/protocol/panel';
import { averageRate, estimateEta, ETA_SETTLE_SECONDS, windowRate } from '../../src/views/panel/model/rates';
import { T0 } from './panelFixtures';

/** One sample a second at `rowsPerSecond`, 1 KB per row, starting at `from` rows. */
function steady(seconds: number, rowsPerSecond: number, start = T0, from = 0): ProgressSample[] {
  return Array.from({ length: seconds + 1 }, (_, i) => ({ t: start + i * 1000, rows: from + i * rowsPerSecond, bytes: (from + i * rowsPerSecond) * 1024 }));
}

describe('panel rates', () => {
  it('the current rate is rows and bytes per second over the recent window', () => {
    const r = windowRate(steady(30, 5000), 10);
    assert.equal(r.rowsPerSecond, 5000);
    assert.equal(r.bytesPerSecond, 5000 * 1024);
  });

  it('a window longer than the run so far is not diluted by time before the run ran', () => {
    const r = windowRate(steady(5, 2000), 60);
    assert.equal(r.runningSeconds, 5);
    assert.equal(r.rowsPerSecond, 2000);
  });

  it('after a stop and a resume the rate counts only the new stretch, not the silence', () => {
    const before = steady(60, 1000);
    const last = before[before.length - 1]!;
    // Stopped for ten minutes, then resumed at 3,000 rows/s from where it was.
    const after = steady(20, 3000, last.t + 600_000, last.rows);
    const r = windowRate([...before, ...after], 60);
    assert.equal(r.runningSeconds, 20);
    assert.equal(r.rowsPerSecond, 3000);
  });

  it('the ETA says estimating until the run has settled, then counts down', () => {
    const early = steady(ETA_SETTLE_SECONDS - 5, 1000);
    assert.deepEqual(estimateEta(early, 500_000, true), { kind: 'estimating' });
    const settled = steady(ETA_SETTLE_SECONDS + 10, 1000);
    const eta = estimateEta(settled, 500_000, true);
    assert.deepEqual(eta, { kind: 'seconds', seconds: 500 });
  });

  it('the ETA says estimating while nothing lands in the window, and nothing when the run is not running', () => {
    const stalled = steady(90, 0);
    assert.deepEqual(estimateEta(stalled, 1000, true), { kind: 'estimating' });
    assert.deepEqual(estimateEta(steady(90, 100), 1000, false), { kind: 'none' });
    assert.deepEqual(estimateEta(steady(90, 100), 0, true), { kind: 'seconds', seconds: 0 });
  });

  it('the ETA does not jump when chunks land in bursts', () => {
    // 4 threads, 25,000-row chunks each taking ~10 s: rows land in steps, 10,000 rows/s on average.
    const samples: ProgressSample[] = [];
    let rows = 0;
    for (let s = 0; s <= 600; s++) {
      if (s % 10 === 5) rows += 100_000;
      samples.push({ t: T0 + s * 1000, rows, bytes: rows * 100 });
    }
    const total = 20_000_000;
    const etas: number[] = [];
    for (let end = 120; end <= 600; end++) {
      const eta = estimateEta(samples.slice(0, end + 1), total - samples[end]!.rows, true);
      assert.equal(eta.kind, 'seconds');
      if (eta.kind === 'seconds') etas.push(eta.seconds);
    }
    // Second to second the estimate moves by far less than the 10 s a burst represents in rate.
    for (let i = 1; i < etas.length; i++) {
      const change = Math.abs(etas[i]! - etas[i - 1]!) / etas[i - 1]!;
      assert.ok(change < 0.2, `ETA moved ${Math.round(change * 100)}% in one second (${etas[i - 1]} → ${etas[i]})`);
    }
  });

  it('the average rate spans every stretch of the run but not the stops between them', () => {
    const buckets = [
      ...Array.from({ length: 12 }, (_, i) => ({ t: T0 + i * 5000, rows: 5000, bytes: 5_000_000 })),
      // An hour's stop, then another minute at the same pace.
      ...Array.from({ length: 12 }, (_, i) => ({ t: T0 + 3_600_000 + i * 5000, rows: 5000, bytes: 5_000_000 })),
    ];
    const a = averageRate(buckets, 5);
    assert.equal(a.activeSeconds, 120);
    assert.equal(a.rowsPerSecond, 1000);
    assert.equal(a.bytesPerSecond, 1_000_000);
    assert.deepEqual(averageRate([], 5), { rowsPerSecond: 0, bytesPerSecond: 0, activeSeconds: 0 });
  });
});
