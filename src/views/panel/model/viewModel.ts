// From a snapshot to what the panel shows: plain data and text, no DOM, so it is tested in plain
// Node and the webview only draws it.
import type { PanelSnapshot } from '../../../protocol/panel';
import { percentDone } from '../../../protocol/progress';
import type { RunState } from '../../../protocol/states';
import { RUN_STATE_LABELS } from '../../format';
import { groupFailedChunks, type FailedGroup } from './failedGroups';
import { formatCount, formatDuration, formatMegabytesPerSecond } from './format';
import { averageRate, CURRENT_WINDOW_SECONDS, estimateEta, windowRate, type Eta } from './rates';

export interface TableView {
  tableOrdinal: number;
  name: string;
  percent: number;
  text: string;
  status: string;
}

export interface Series {
  /** Seconds since the epoch (what uPlot's time axis takes). */
  t: number[];
  values: number[];
}

export interface PanelViewModel {
  runId: string;
  status: RunState;
  running: boolean;
  source: string;
  percent: number;
  progressText: string;
  chunksText: string;
  /** Rows per second now, as the status bar shows it ("12.3k rows/s"); "—" when not running. */
  currentRowsRate: string;
  /** currentRowsRate with MB/s. */
  currentRate: string;
  averageRate: string;
  elapsed: string;
  eta: string;
  etaState: Eta['kind'];
  threads: number;
  threadsNote: string;
  batchSize: number;
  tables: TableView[];
  failedGroups: FailedGroup[];
  failedCount: number;
  throughput: Series & { marks: Array<{ t: number; label: string }> };
  memory: Series & { limitMb: number | null; peakMb: number };
  problem: string | null;
  error: string | null;
}

export function toViewModel(s: PanelSnapshot, now = s.takenAt): PanelViewModel {
  const { run, totals } = s;
  const running = run.status === 'in_progress';
  const current = windowRate(s.samples, CURRENT_WINDOW_SECONDS);
  const average = averageRate(s.throughput.buckets, s.throughput.bucketSeconds);
  const eta = estimateEta(s.samples, totals.rowsTotal - totals.rowsLoaded, running);
  const startedMs = run.startedAt ? Date.parse(run.startedAt) : null;
  const endMs = run.finishedAt && !running ? Date.parse(run.finishedAt) : now;
  const peakMb = s.memory.samples.reduce((m, x) => Math.max(m, x.rssMb), 0);
  return {
    runId: run.runId,
    status: run.status,
    running,
    source: s.source === 'worker' ? 'live from this window’s worker' : 'from the status tables',
    percent: percentDone(totals.rowsLoaded, totals.rowsTotal),
    progressText: `${totals.rowsLoaded.toLocaleString('en-US')} / ${totals.rowsTotal.toLocaleString('en-US')} rows`,
    chunksText: `${totals.chunks.completed.toLocaleString('en-US')} / ${totals.chunksTotal.toLocaleString('en-US')} chunks` +
      (totals.chunks.in_progress ? ` · ${totals.chunks.in_progress} loading` : '') +
      (totals.chunks.failed ? ` · ${totals.chunks.failed} failed` : ''),
    currentRowsRate: running ? rowsRateText(current.rowsPerSecond) : '—',
    currentRate: running ? rateText(current.rowsPerSecond, current.bytesPerSecond) : '—',
    averageRate: average.activeSeconds > 0 ? rateText(average.rowsPerSecond, average.bytesPerSecond) : '—',
    elapsed: startedMs === null ? '—' : formatDuration((endMs - startedMs) / 1000),
    eta: etaText(eta, run.status),
    etaState: eta.kind,
    threads: run.threads,
    threadsNote:
      run.threadsEffective !== null && run.threadsEffective !== run.threads
        ? `running ${run.threadsEffective} (held down by the memory limit)`
        : `${run.liveWorkers} worker${run.liveWorkers === 1 ? '' : 's'}`,
    batchSize: run.batchSize,
    tables: s.tables.map((t) => ({
      tableOrdinal: t.tableOrdinal,
      name: `${t.sourceTable} → ${t.targetSchema}.${t.targetTable}`,
      percent: percentDone(t.rowsLoaded, t.rowsTotal),
      text: `${formatCount(t.rowsLoaded)} / ${formatCount(t.rowsTotal)} rows · ${t.chunks.completed}/${t.totalChunks} chunks`,
      status: t.status,
    })),
    failedGroups: groupFailedChunks(s.failed),
    failedCount: s.failed.length,
    throughput: throughputSeries(s),
    memory: {
      t: s.memory.samples.map((m) => m.t / 1000),
      values: s.memory.samples.map((m) => m.rssMb),
      limitMb: s.memory.limitMb,
      peakMb,
    },
    problem: s.problem,
    error: run.error,
  };
}

function rowsRateText(rows: number): string {
  return `${formatCount(rows)} rows/s`;
}

function rateText(rows: number, bytes: number): string {
  return `${rowsRateText(rows)} · ${formatMegabytesPerSecond(bytes)}`;
}

/**
 * The status bar's line: the panel's own percent, current rate and ETA, from the same snapshot
 * ("19.6% · 12.3k rows/s · ETA 3m 05s"); a run that is not running says its state instead.
 */
export function statusLine(vm: PanelViewModel): string {
  if (!vm.running) return `${vm.percent}% · ${RUN_STATE_LABELS[vm.status]}`;
  return `${vm.percent}% · ${vm.currentRowsRate} · ETA ${vm.eta}`;
}

function etaText(eta: Eta, status: RunState): string {
  if (status === 'completed') return 'done';
  switch (eta.kind) {
    case 'estimating':
      return 'estimating…';
    case 'seconds':
      return formatDuration(eta.seconds);
    case 'none':
      return '—';
  }
}

/** Rows per second per bucket, with empty buckets between loaded ones as zeros (a stall shows as a dip). */
function throughputSeries(s: PanelSnapshot): PanelViewModel['throughput'] {
  const { buckets, bucketSeconds } = s.throughput;
  const t: number[] = [];
  const values: number[] = [];
  const step = bucketSeconds * 1000;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    const prev = buckets[i - 1];
    if (prev && b.t - prev.t > step && b.t - prev.t <= 10 * step) {
      for (let gap = prev.t + step; gap < b.t; gap += step) {
        t.push(gap / 1000);
        values.push(0);
      }
    }
    t.push(b.t / 1000);
    values.push(b.rows / bucketSeconds);
  }
  const marks = s.tunings.map((m) => ({ t: m.t / 1000, label: `threads ${m.threads} · batch ${formatCount(m.batchSize)}` }));
  return { t, values, marks };
}
