// status, stop, abandon, tune: quick operations on the status tables, run in the CLI's own
// process (no worker, no Snowflake connection unless tune re-plans with a new batch size).
import type { WorkerSummary } from '../../protocol/engine';
import { percentDone } from '../../protocol/progress';
import { abandon, requestStop, runStatus, tuneRun, type RunStatusReport } from '../control';
import { errorMessage } from '../errors';
import { EXIT_OK } from '../exitCodes';
import { startupExitCode } from '../exitCodes';
import { openSession } from '../session';
import { tableNotes } from '../run/tableNotes';
import { formatCount, formatDuration } from './progressView';
import { describeWatermark, runWatermarks } from '../incremental/watermark';

export interface ControlOptions {
  config: string;
  run?: string;
  json?: boolean;
  threads?: number;
  batchSize?: number;
}

type ControlKind = 'status' | 'stop' | 'abandon' | 'tune';

function printStatus(r: RunStatusReport): void {
  const w = (line = '') => process.stdout.write(`${line}\n`);
  const p = r.progress;
  // The one rate and percent (protocol/progress), from the status tables: the same numbers the
  // progress bar, the tree and the panel show.
  const span = Math.round(Math.min(p.rate.windowSeconds, p.rate.runningSeconds));
  const rate = r.run.status === 'in_progress' ? `${formatCount(p.rowsPerSecond)} rows/s over the last ${span} s` : 'not running';
  w(`run ${r.run.runId}: ${r.run.status}${r.run.stopRequested && r.run.status === 'in_progress' ? ' (stopping)' : ''}${r.run.error ? ` — ${r.run.error}` : ''}`);
  w(`  ${formatCount(p.rowsLoaded)} of ${formatCount(p.rowsTotal)} rows (${percentDone(p.rowsLoaded, p.rowsTotal).toFixed(1)}%), ${rate}`);
  w(`  chunks: ${p.chunks.completed} completed, ${p.chunks.in_progress} in progress, ${p.chunks.pending} pending (${p.chunksWaiting} waiting to retry), ${p.chunks.failed} failed of ${p.chunksTotal}`);
  w(`  threads ${r.run.parallelThreads}, batch size ${r.run.batchSize}${r.run.snapshotAt ? `, snapshot ${r.run.snapshotAt.toISOString()}` : ''}`);
  // No ETA for a run nobody is executing (etaSeconds is null then).
  if (p.etaSeconds !== null && p.rowsLoaded < p.rowsTotal) w(`  ETA ${formatDuration(p.etaSeconds)}`);
  w();
  for (const t of r.tables) {
    const emptied = t.truncatedAt ? `, emptied by truncate_onstart (${formatCount(t.truncatedRows ?? 0)} rows removed)` : '';
    w(`  ${t.sourceTable} -> ${t.targetSchema}.${t.targetTable}: ${t.status}, ${t.completedChunks}/${t.totalChunks} chunks, ${formatCount(t.rowsLoaded)}/${formatCount(t.totalRows)} rows${emptied}${t.error ? ` — ${t.error}` : ''}`);
    if (t.finalizeError) w(`    ! no primary key: ${t.finalizeError} (thaw resume tries again)`);
    const watermark = runWatermarks(r.run.options)[`${t.targetSchema}.${t.targetTable}`];
    if (watermark) w(`    ${describeWatermark(watermark)}`);
    for (const note of tableNotes(t)) w(`    ! ${note}`);
  }
  if (r.failedChunks.length > 0) {
    w();
    w('  failed chunks (thaw retry --chunk ID):');
    for (const c of r.failedChunks) w(`    ${c.chunkId}: ${c.attempts} attempt(s), ${c.errorCode ? `[${c.errorCode}] ` : ''}${c.lastError ?? ''}`);
  }
  printWorkers(r.workers, w);
}

/** One line per running worker (where, its threads, memory and own rate), then how many have ended. */
function printWorkers(workers: readonly WorkerSummary[], w: (line?: string) => void): void {
  if (workers.length === 0) return;
  const live = workers.filter((x) => x.status === 'running');
  const ended = workers.length - live.length;
  w();
  w(`  workers: ${live.length} running${ended > 0 ? `, ${ended} ended (${describeEnded(workers)})` : ''}`);
  for (const x of live) {
    const heard = Math.max(0, Math.round((Date.now() - Date.parse(x.heartbeatAt)) / 1000));
    w(
      `    ${x.host} pid ${x.pid}: ${x.threads ?? '?'} threads, RSS ${x.rssMb ?? '?'} MB, ${formatCount(x.rowsPerSecond)} rows/s, ` +
        `${x.chunksCompleted} chunks (${formatCount(x.rowsLoaded)} rows) done, ${x.chunksInFlight} in flight, heard ${heard} s ago`,
    );
  }
}

function describeEnded(workers: readonly WorkerSummary[]): string {
  const counts = new Map<string, number>();
  for (const x of workers) if (x.status !== 'running') counts.set(x.status, (counts.get(x.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

export async function runControlCommand(kind: ControlKind, o: ControlOptions): Promise<number> {
  try {
    const session = await openSession(o.config, { source: kind === 'tune' && o.batchSize !== undefined });
    try {
      switch (kind) {
        case 'status': {
          const report = await runStatus(session, o.run);
          if (o.json) process.stdout.write(`${JSON.stringify({ event: 'run/status', ...report })}\n`);
          else printStatus(report);
          break;
        }
        case 'stop': {
          const { runId } = await requestStop(session, o.run);
          process.stdout.write(o.json ? `${JSON.stringify({ event: 'run/stopRequested', runId })}\n` : `run ${runId}: workers will stop after their chunks in flight\n`);
          break;
        }
        case 'abandon': {
          const { runId, released, stageFilesLeft } = await abandon(session, o.run);
          if (stageFilesLeft) process.stderr.write(`warning: ${stageFilesLeft}\n`);
          if (o.json) {
            for (const c of released) process.stdout.write(`${JSON.stringify({ event: 'chunk/stateChanged', runId, ...c, status: 'pending' })}\n`);
          }
          process.stdout.write(o.json ? `${JSON.stringify({ event: 'run/abandoned', runId })}\n` : `run ${runId} abandoned\n`);
          break;
        }
        case 'tune': {
          const result = await tuneRun(session, { configPath: o.config, runId: o.run, threads: o.threads, batchSize: o.batchSize });
          process.stdout.write(
            o.json
              ? `${JSON.stringify({ event: 'run/tuned', ...result })}\n`
              : `run ${result.runId}: ${result.threads} threads, batch size ${result.batchSize}${o.batchSize !== undefined ? ` (${result.replannedChunks} chunks re-planned)` : ''}\n`,
          );
          break;
        }
      }
      return EXIT_OK;
    } finally {
      await session.close();
    }
  } catch (err) {
    const code = startupExitCode(err);
    if (o.json) process.stdout.write(`${JSON.stringify({ event: 'error', message: errorMessage(err), exitCode: code })}\n`);
    else process.stderr.write(`thaw: ${errorMessage(err)}\n`);
    return code;
  }
}
