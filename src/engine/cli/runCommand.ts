// Drives one long command (plan, start, resume, retry) through the engine worker and turns its
// events into terminal output or JSON lines, then into an exit code.
import { join } from 'node:path';
import type { EngineEvents, EngineMethod, EngineRequests } from '../../protocol/engine';
import { EXIT_NOT_STARTED, EXIT_OK, EXIT_UNFINISHED } from '../exitCodes';
import { EngineClient, EngineRequestError } from '../worker/client';
import { createProgressView } from './progressView';

/** What `--config` means when it is not given. */
export const DEFAULT_CONFIG = './config.json';

export interface OutputOptions {
  json: boolean;
}

export function workerPath(): string {
  // The CLI is bundled to dist/cli.cjs, next to dist/worker.cjs.
  return join(__dirname, 'worker.cjs');
}

function printJson(event: string, data: object): void {
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
}

export interface DriveResult {
  exitCode: number;
  finished?: EngineEvents['run/finished'];
}

/** Runs a request that starts or continues a run and waits for the run to finish. */
export async function driveRun<M extends 'run/start' | 'run/resume' | 'run/retry'>(
  method: M,
  params: EngineRequests[M]['params'],
  out: OutputOptions,
): Promise<number> {
  return (await followRun(method, params, out)).exitCode;
}

export async function followRun<M extends 'run/start' | 'run/resume' | 'run/retry'>(
  method: M,
  params: EngineRequests[M]['params'],
  out: OutputOptions,
): Promise<DriveResult> {
  const client = new EngineClient({ workerPath: workerPath() });
  const view = out.json ? undefined : createProgressView();
  let finished: EngineEvents['run/finished'] | undefined;
  let runId: string | undefined;

  client.on('run/started', (e) => {
    runId = e.runId;
    if (out.json) printJson('run/started', e);
    else process.stdout.write(`run ${e.runId} ${e.resumed ? 'resumed' : 'started'}: ${e.tables} table(s), ${e.chunks} chunks, ${e.rows} rows\n`);
  });
  client.on('run/progress', (p) => (out.json ? printJson('run/progress', p) : view?.update(p)));
  client.on('chunk/stateChanged', (e) => {
    if (out.json) printJson('chunk/stateChanged', e);
    else if (e.status === 'failed') view?.log(`chunk ${e.chunkId} of ${e.table} failed after ${e.attempts} attempt(s): ${e.error}`);
  });
  client.on('table/stateChanged', (e) => out.json && printJson('table/stateChanged', e));
  client.on('worker/memory', (e) => {
    if (out.json) printJson('worker/memory', e);
    else view?.log(`memory: RSS ${e.rssMb} MB of ${e.limitMb} MB, threads ${e.action} to ${e.threads}`);
  });
  client.on('log', (e) => {
    if (out.json) printJson('log', e);
    else if (e.level !== 'debug') view?.log(`${e.level}: ${e.message}`);
  });
  client.on('run/finished', (e) => {
    finished = e;
    view?.stop();
    client.shutdown();
    if (out.json) printJson('run/finished', e);
    else
      process.stdout.write(
        `run ${e.runId} ${e.status}: ${e.rowsLoaded} rows in ${e.seconds.toFixed(1)} s (${Math.round(e.rowsLoaded / Math.max(e.seconds, 0.001))} rows/s), ${e.failedChunks} failed chunk(s), peak worker RSS ${e.peakRssMb} MB\n`,
    );
  });

  // Ctrl-C once: finish the chunks in flight and stop; twice: leave at once (chunks roll back).
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      view?.log('stopping after the chunks in flight (Ctrl-C again to abort them)');
      client.request('worker/stop', {}).catch(() => client.shutdown());
    } else client.kill('SIGKILL');
  };
  process.on('SIGINT', onSigint);

  try {
    const answer = (await client.request(method as EngineMethod, params as never)) as { runId: string; requeued?: number };
    if ('queueOnly' in params && params.queueOnly) {
      if (out.json) printJson('run/requeued', answer);
      else process.stdout.write(`run ${answer.runId}: ${answer.requeued ?? 0} chunk(s) re-queued\n`);
      client.shutdown();
      await client.waitForExit();
      return { exitCode: EXIT_OK };
    }
    await client.waitForExit();
  } catch (err) {
    view?.stop();
    client.shutdown();
    const exitCode = reportFailure(err, out);
    const failedRun = runId ?? (err instanceof EngineRequestError ? err.wire.context?.runId : undefined);
    if (exitCode === EXIT_UNFINISHED && failedRun !== undefined) printResumeHint(String(failedRun), params.configPath);
    return { exitCode };
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (!finished) {
    process.stderr.write('the engine worker ended before the run finished\n');
    if (runId) printResumeHint(runId, params.configPath);
    return { exitCode: EXIT_UNFINISHED };
  }
  if (finished.status !== 'completed' && finished.status !== 'in_progress') printResumeHint(finished.runId, params.configPath);
  return { exitCode: finished.status === 'completed' ? EXIT_OK : EXIT_UNFINISHED, finished };
}

/** The command that continues a run this command left unfinished (on stderr: --json keeps stdout for events). */
function printResumeHint(runId: string, configPath: string): void {
  const config = configPath === DEFAULT_CONFIG ? '' : ` --config ${shellWord(configPath)}`;
  process.stderr.write(`continue it with: thaw resume --run ${runId}${config}\n`);
}

/** A path as one shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Runs a request that answers once (plan) in a worker, then lets the worker go. */
export async function askWorker<M extends EngineMethod>(method: M, params: EngineRequests[M]['params']): Promise<EngineRequests[M]['result']> {
  const client = new EngineClient({ workerPath: workerPath() });
  try {
    return await client.request(method, params);
  } finally {
    client.shutdown();
    await client.waitForExit();
  }
}

export function reportFailure(err: unknown, out: OutputOptions): number {
  const code = err instanceof EngineRequestError ? err.wire.exitCode : EXIT_UNFINISHED;
  const message = err instanceof Error ? err.message : String(err);
  if (out.json) printJson('error', { message, exitCode: code, ...(err instanceof EngineRequestError ? { name: err.wire.name, context: err.wire.context } : {}) });
  else process.stderr.write(`thaw: ${message}\n`);
  return code === 2 ? EXIT_NOT_STARTED : EXIT_UNFINISHED;
}
