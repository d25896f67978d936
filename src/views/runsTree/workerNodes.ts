// How a run's workers read in the Migrations tree: one "Workers" node under a run with live
// workers, and under it one node per running worker with where it runs (host, pid), its threads,
// memory and its own rate, read from the status tables (run/workers), so workers on other
// machines (`thaw worker`, a Kubernetes Job) show like this window's own.
import type { WorkerSummary } from '../../protocol/engine';
import { formatCount, formatRate } from '../format';
import type { NodeView } from './nodeView';

export function workersView(workers: number): NodeView {
  return {
    label: 'Workers',
    description: `${workers} live`,
    tooltip: 'The processes executing this run, on any machine: `thaw start`, `thaw resume`, `thaw worker`, this window',
    icon: { id: 'server-process' },
    contextValue: 'workers',
    collapsible: 'collapsed',
  };
}

export function workerView(w: WorkerSummary): NodeView {
  const tooltip = [
    `**Worker ${w.workerId}** · ${w.status}`,
    '',
    `- host: ${w.host}, pid ${w.pid}`,
    `- threads: ${w.threads ?? 'unknown'}, RSS: ${w.rssMb === null ? 'unknown' : `${w.rssMb} MB`}`,
    `- rate: ${formatRate(w.rowsPerSecond)}`,
    `- completed: ${w.chunksCompleted.toLocaleString('en-US')} chunks, ${w.rowsLoaded.toLocaleString('en-US')} rows; in flight: ${w.chunksInFlight}`,
    `- joined: ${w.startedAt}, last heartbeat: ${w.heartbeatAt}`,
  ].join('\n');
  return {
    label: `${w.host} pid ${w.pid}`,
    description: [`${w.threads ?? '?'} threads`, `${w.rssMb ?? '?'} MB`, formatRate(w.rowsPerSecond), `${formatCount(w.rowsLoaded)} rows`].join(' · '),
    tooltip,
    icon: { id: 'vm-running', color: 'charts.blue' },
    contextValue: 'worker',
    collapsible: 'none',
  };
}
