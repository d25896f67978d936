import assert from 'node:assert/strict';
import type { ProgressSnapshot } from '../../src/protocol/engine';
import { chunkStateOfCode } from '../../src/protocol/panel';
import { groupFailedChunks } from '../../src/views/panel/model/failedGroups';
import { RunRecorder } from '../../src/views/panel/model/runRecorder';
import { statusLine, toViewModel } from '../../src/views/panel/model/viewModel';
import { chunkMap, runSummary, statusRead, T0, tableSummary } from './panelFixtures';

function progress(overrides: Partial<ProgressSnapshot>): ProgressSnapshot {
  return {
    runId: 'run-1',
    rowsTotal: 1_000_000,
    rowsLoaded: 0,
    bytesLoaded: 0,
    chunksTotal: 40,
    chunks: { pending: 40, in_progress: 0, completed: 0, failed: 0 },
    rowsPerSecond: 0,
    etaSeconds: null,
    threadsDesired: 4,
    threadsEffective: 4,
    batchSize: 25000,
    rssMb: 180,
    peakRssMb: 180,
    ...overrides,
  };
}

describe('panel view model', () => {
  it('shows overall and per-table progress, rates, elapsed time and ETA from pushed progress', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    r.applyRead(statusRead(), T0);
    for (let s = 0; s <= 60; s++) r.applyProgress(progress({ rowsLoaded: s * 5000, bytesLoaded: s * 5000 * 200 }), T0 + s * 1000);
    const vm = toViewModel(r.snapshot(T0 + 60_000)!);
    assert.equal(vm.percent, 30);
    assert.equal(vm.progressText, '300,000 / 1,000,000 rows');
    assert.equal(vm.currentRate, '5.00k rows/s · 1.0 MB/s');
    assert.equal(vm.elapsed, '1m 00s');
    assert.equal(vm.eta, '2m 20s');
    assert.equal(vm.source, 'live from this window’s worker');
    assert.equal(vm.tables[0]!.name, 'FACTVISITCALLPERFORMANCE_CR → analytics_dev2.factvisitcallperformance_cr');
  });

  it('gives the status bar the panel\'s own percent, current rate and ETA; a run that is not running, its state', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    r.applyRead(statusRead(), T0);
    for (let s = 0; s <= 60; s++) r.applyProgress(progress({ rowsLoaded: s * 3270, bytesLoaded: s * 3270 * 200 }), T0 + s * 1000);
    const vm = toViewModel(r.snapshot(T0 + 60_000)!);
    assert.equal(statusLine(vm), '19.6% · 3.27k rows/s · ETA 4m 06s');
    assert.equal(statusLine(vm), `${vm.percent}% · ${vm.currentRate.split(' · ')[0]} · ETA ${vm.eta}`, 'the figures the panel shows');
    r.applyRead(statusRead({ run: runSummary({ status: 'stopped', rowsLoaded: 196_200 }) }), T0 + 61_000);
    assert.equal(statusLine(toViewModel(r.snapshot(T0 + 61_000)!)), '19.6% · stopped');
  });

  it('says "estimating…" before the rate has settled', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    r.applyRead(statusRead(), T0);
    for (let s = 0; s <= 5; s++) r.applyProgress(progress({ rowsLoaded: s * 5000 }), T0 + s * 1000);
    assert.equal(toViewModel(r.snapshot(T0 + 5000)!).eta, 'estimating…');
  });

  it('keeps progress cumulative across a stop and resume of the same run: it never resets', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    r.applyRead(statusRead(), T0);
    for (let s = 0; s <= 30; s++) r.applyProgress(progress({ rowsLoaded: s * 10_000 }), T0 + s * 1000);
    const beforeStop = toViewModel(r.snapshot(T0 + 30_000)!).percent;
    assert.equal(beforeStop, 30);
    // Stopped: a read shows the stopped run with what it loaded.
    r.applyRead(statusRead({ run: runSummary({ status: 'stopped', rowsLoaded: 300_000 }) }), T0 + 40_000);
    assert.equal(toViewModel(r.snapshot(T0 + 40_000)!).percent, 30);
    // Resumed ten minutes later; a late read from before the stop must not take progress back.
    const resumedAt = T0 + 640_000;
    r.applyRead(statusRead({ run: runSummary({ status: 'in_progress', rowsLoaded: 250_000 }) }), resumedAt);
    assert.equal(toViewModel(r.snapshot(resumedAt)!).percent, 30);
    const percents: number[] = [];
    for (let s = 1; s <= 30; s++) {
      r.applyProgress(progress({ rowsLoaded: 300_000 + s * 20_000 }), resumedAt + s * 1000);
      percents.push(toViewModel(r.snapshot(resumedAt + s * 1000)!).percent);
    }
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'percent went down');
    assert.equal(percents[percents.length - 1], 90);
    // The current rate is the resumed stretch's, not diluted by the ten minutes stopped.
    assert.equal(toViewModel(r.snapshot(resumedAt + 30_000)!).currentRate, '20.0k rows/s · 0.0 MB/s');
  });

  it('a run read from the status tables looks like one pushed by the worker', () => {
    const pushed = new RunRecorder('run-1', '/ws/config.json');
    const read = new RunRecorder('run-1', '/ws/config.json');
    const map = chunkMap({ partitions: 4, perPartition: () => 10, stateOf: (i) => (i < 12 ? 'completed' : i < 14 ? 'in_progress' : 'pending') });
    const base = statusRead({
      run: runSummary({ rowsLoaded: 300_000 }),
      chunkMap: map,
      tables: [tableSummary({ rowsLoaded: 300_000, chunks: { pending: 26, in_progress: 2, completed: 12, failed: 0 } })],
      workers: [{ workerId: 'w', runId: 'run-1', host: 'h', pid: 1, status: 'running', threads: 4, rssMb: 180, startedAt: '', heartbeatAt: '', chunksCompleted: 0, rowsLoaded: 0, chunksInFlight: 0, rowsPerSecond: 0 }],
    });
    // The worker's events have been arriving; a read then brings the chunk map and the tables.
    pushed.applyProgress(progress({ rowsLoaded: 300_000 }), T0);
    pushed.applyRead(base, T0);
    read.applyRead(base, T0);
    const a = toViewModel(pushed.snapshot(T0)!);
    const b = toViewModel(read.snapshot(T0)!);
    assert.notEqual(a.source, b.source);
    assert.deepEqual({ ...a, source: '' }, { ...b, source: '' });
  });

  it('chunk events move cells of the map and fill the failed list, grouped by error', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    r.applyRead(statusRead(), T0);
    const layout = r.chunkLayout()!;
    const [first, second, third] = layout.chunkIds;
    r.applyChunk({ runId: 'run-1', tableOrdinal: 0, chunkId: first!, status: 'in_progress', attempts: 1 }, T0);
    r.applyChunk({ runId: 'run-1', tableOrdinal: 0, chunkId: first!, status: 'completed', attempts: 1, rows: 25000 }, T0 + 2500);
    for (const id of [second!, third!]) {
      r.applyChunk({ runId: 'run-1', tableOrdinal: 0, chunkId: id, status: 'failed', attempts: 5, error: `chunk ${id}: connection reset`, errorCode: '08006' }, T0 + 3000);
    }
    const s = r.snapshot(T0 + 3000)!;
    assert.equal(chunkStateOfCode(s.chunkStates.codes[0]!), 'completed');
    assert.equal(s.chunkStates.durationMs[0], 2500);
    assert.equal(chunkStateOfCode(s.chunkStates.codes[1]!), 'failed');
    assert.deepEqual(s.totals.chunks, { pending: 37, in_progress: 0, completed: 1, failed: 2 });
    const vm = toViewModel(s);
    assert.equal(vm.failedGroups.length, 1, 'two chunks failing for one cause are one group');
    assert.deepEqual(vm.failedGroups[0]!.chunks.map((c) => c.chunkId), [second, third]);
    // Retried: the chunk leaves the failed list.
    r.applyChunk({ runId: 'run-1', tableOrdinal: 0, chunkId: second!, status: 'in_progress', attempts: 1 }, T0 + 4000);
    assert.deepEqual(toViewModel(r.snapshot(T0 + 4000)!).failedGroups[0]!.chunks.map((c) => c.chunkId), [third]);
  });

  it('groups failures by cause, largest group first', () => {
    const groups = groupFailedChunks([
      { chunkId: 9, tableOrdinal: 0, attempts: 1, error: 'value too long for type character varying(10)', errorCode: '22001' },
      { chunkId: 3, tableOrdinal: 0, attempts: 5, error: 'chunk 3: timeout after 30000 ms', errorCode: null },
      { chunkId: 4, tableOrdinal: 0, attempts: 5, error: 'chunk 4: timeout after 30001 ms', errorCode: null },
    ]);
    assert.deepEqual(groups.map((g) => g.chunks.map((c) => c.chunkId)), [[3, 4], [9]]);
    assert.equal(groups[0]!.message, 'chunk 3: timeout after 30000 ms');
  });

  it('charts throughput over time with every tuning change marked, and RSS against max_worker_memory_mb', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    const buckets = [0, 5, 10, 30].map((s) => ({ t: T0 + s * 1000, rows: 50_000, bytes: 5_000_000, chunks: 2 }));
    r.applyRead(statusRead({ timeline: { runId: 'run-1', bucketSeconds: 5, buckets, tunings: [], maxWorkerMemoryMb: 1024 } }), T0);
    // Tuned by this window's worker: pushed at once.
    r.applyTuned({ runId: 'run-1', threads: 8, batchSize: 25000, at: new Date(T0 + 12_000).toISOString() });
    assert.deepEqual(r.snapshot(T0 + 13_000)!.tunings, [{ t: T0 + 12_000, threads: 8, batchSize: 25000 }]);
    // The next read brings every tune the status tables recorded (this one, and one from the CLI) in their place.
    const tunings = [
      { t: T0 + 12_000, threads: 8, batchSize: 25000 },
      { t: T0 + 17_000, threads: 2, batchSize: 10000 },
    ];
    r.applyRead(statusRead({ run: runSummary({ parallelThreads: 2, batchSize: 10000 }), timeline: { runId: 'run-1', bucketSeconds: 5, buckets, tunings, maxWorkerMemoryMb: 1024 } }), T0 + 20_000);
    r.applyProgress(progress({ rssMb: 300, threadsEffective: 2 }), T0 + 21_000);
    const vm = toViewModel(r.snapshot(T0 + 21_000)!);
    assert.deepEqual(vm.throughput.t, [0, 5, 10, 15, 20, 25, 30].map((s) => (T0 + s * 1000) / 1000));
    assert.deepEqual(vm.throughput.values, [10_000, 10_000, 10_000, 0, 0, 0, 10_000]);
    assert.deepEqual(vm.throughput.marks, [
      { t: (T0 + 12_000) / 1000, label: 'threads 8 · batch 25.0k' },
      { t: (T0 + 17_000) / 1000, label: 'threads 2 · batch 10.0k' },
    ]);
    assert.equal(vm.memory.limitMb, 1024);
    assert.deepEqual(vm.memory.values, [300]);
    assert.equal(vm.threads, 2);
    assert.equal(vm.batchSize, 10000);
  });

  it('marks a tune once when the read that records it comes before the pushed event', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    const tuned = { t: T0 + 12_000, threads: 8, batchSize: 25000 };
    r.applyRead(statusRead({ run: runSummary({ parallelThreads: 8, batchSize: 25000 }), timeline: { runId: 'run-1', bucketSeconds: 5, buckets: [], tunings: [tuned], maxWorkerMemoryMb: 1024 } }), T0 + 12_100);
    r.applyTuned({ runId: 'run-1', threads: 8, batchSize: 25000, at: new Date(T0 + 12_050).toISOString() });
    assert.deepEqual(r.snapshot(T0 + 13_000)!.tunings, [tuned]);
  });

  it('reads memory from migration_workers for a run executed elsewhere', () => {
    const r = new RunRecorder('run-1', '/ws/config.json');
    const worker = (rssMb: number, threads: number) => ({ workerId: `w${rssMb}`, runId: 'run-1', host: 'h', pid: 1, status: 'running' as const, threads, rssMb, startedAt: '', heartbeatAt: '', chunksCompleted: 0, rowsLoaded: 0, chunksInFlight: 0, rowsPerSecond: 0 });
    r.applyRead(statusRead({ workers: [worker(400, 4), worker(650, 3)] }), T0);
    const s = r.snapshot(T0)!;
    assert.deepEqual(s.memory.samples, [{ t: T0, rssMb: 650, threads: 7 }]);
    assert.equal(s.source, 'statusTables');
  });
});
