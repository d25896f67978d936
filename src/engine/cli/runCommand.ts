// Drives one long command (plan, start, resume, retry) through the engine worker and turns its
// events into terminal output or JSON lines, then into an exit code.
import { join } from 'node:path';
import { Events, Requests, type DataOf, type ParamsOf, type RequestDescriptor, type ResultOf } from '../../protocol/engine';
import { EXIT_NOT_STARTED, EXIT_OK, EXIT_UNFINISHED } from '../exitCodes';
import { describeWorkerExit, EngineClient, EngineRequestError, type WorkerExit } from '../worker/client';
import { createProgressView, type ProgressView } from './progressView';

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

type RunFinished = DataOf<typeof Events.runFinished>;

export interface DriveResult {
  exitCode: number;
  finished?: RunFinished;
}

type RunRequest = typeof Requests.start | typeof Requests.resume | typeof Requests.retry | typeof Requests.join;

/** A worker for one command: its stderr goes to ours (above the progress bar, when there is one). */
function startWorker(view?: ProgressView): EngineClient {
  const client = new EngineClient({ workerPath: workerPath() });
  client.onStderr((line) => (view ? view.log(line) : process.stderr.write(`${line}\n`)));
  return client;
}

/** Runs a request that starts or continues a run and waits for the run to finish. */
export async function driveRun<R extends RunRequest>(type: R, params: ParamsOf<R>, out: OutputOptions): Promise<number> {
  return (await followRun(type, params, out)).exitCode;
}

export async function followRun<R extends RunRequest>(type: R, params: ParamsOf<R>, out: OutputOptions): Promise<DriveResult> {
  const view = out.json ? undefined : createProgressView();
  const client = startWorker(view);
  let finished: RunFinished | undefined;
  let runId: string | undefined;

  client.on(Events.runStarted, (e) => {
    runId = e.runId;
    if (out.json) printJson(Events.runStarted.event, e);
    else process.stdout.write(`run ${e.runId} ${e.joined ? 'joined' : e.resumed ? 'resumed' : 'started'}: ${e.tables} table(s), ${e.chunks} chunks, ${e.rows} rows\n`);
  });
  client.on(Events.runProgress, (p) => (out.json ? printJson(Events.runProgress.event, p) : view?.update(p)));
  client.on(Events.chunkStateChanged, (e) => {
    if (out.json) printJson(Events.chunkStateChanged.event, e);
    else if (e.status === 'failed') view?.log(`chunk ${e.chunkId} (table ${e.tableOrdinal}) failed after ${e.attempts} attempt(s): ${e.error}`);
  });
  // worker/status is for hosts that keep a worker (a status bar); a command's output starts with the run id.
  client.on(Events.tableStateChanged, (e) => out.json && printJson(Events.tableStateChanged.event, e));
  client.on(Events.workerMemory, (e) => {
    if (out.json) printJson(Events.workerMemory.event, e);
    else view?.log(`memory: RSS ${e.rssMb} MB of ${e.limitMb} MB, threads ${e.action} to ${e.threads}`);
  });
  client.on(Events.log, (e) => {
    if (out.json) printJson(Events.log.event, e);
    else if (e.level !== 'debug') view?.log(`${e.level}: ${e.message}`);
  });
  client.on(Events.runFinished, (e) => {
    finished = e;
    view?.stop();
    client.shutdown();
    if (out.json) printJson(Events.runFinished.event, e);
    else {
      // The rate is of the rows this invocation loaded: a resume's earlier rows took no time here.
      const rate = Math.round(e.rowsLoadedHere / Math.max(e.seconds, 0.001));
      const run = e.rowsLoadedHere === e.rowsLoaded ? '' : `; ${e.rowsLoaded} of ${e.rowsTotal} rows of the run loaded`;
      process.stdout.write(
        `run ${e.runId} ${e.status}: ${e.rowsLoadedHere} rows in ${e.seconds.toFixed(1)} s (${rate} rows/s${run}), ${e.failedChunks} failed chunk(s), peak worker RSS ${e.peakRssMb} MB${e.error ? ` — ${e.error}` : ''}\n`,
      );
    }
  });

  // Ctrl-C once: finish the chunks in flight and stop; twice: roll them back and leave.
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      view?.log('stopping after the chunks in flight (Ctrl-C again to abort them)');
      client.request(Requests.workerStop, {}).catch(() => client.shutdown());
    } else if (interrupts === 2) {
      view?.log('aborting: the chunks in flight roll back (Ctrl-C again to kill the worker)');
      client.request(Requests.workerAbort, {}).catch(() => client.kill('SIGKILL'));
    } else client.kill('SIGKILL');
  };
  process.on('SIGINT', onSigint);
  // SIGTERM (docker stop, a Kubernetes pod ending) reaches this process alone: it asks what a first Ctrl-C does.
  process.on('SIGTERM', onSigint);

  let exit: WorkerExit;
  try {
    const answer = await client.request<RunRequest>(type, params);
    if ('queueOnly' in params && params.queueOnly) {
      if (out.json) printJson('run/requeued', answer);
      else process.stdout.write(`run ${answer.runId}: ${'requeued' in answer ? answer.requeued : 0} chunk(s) re-queued\n`);
      client.shutdown();
      await client.waitForExit();
      return { exitCode: EXIT_OK };
    }
    if ('detached' in answer && answer.detached) {
      const config = params.configPath === DEFAULT_CONFIG ? '' : ` --config ${shellWord(params.configPath)}`;
      if (out.json) printJson('run/detached', answer);
      else process.stdout.write(`run ${answer.runId} is in progress with no worker yet: add workers with thaw worker --run ${answer.runId}${config}\n`);
      client.shutdown();
      await client.waitForExit();
      return { exitCode: EXIT_OK };
    }
    if ('closed' in answer && answer.closed) {
      // A worker that joins a run already completed has nothing left to claim: that is success.
      if (out.json) printJson('run/closed', answer);
      else process.stdout.write(`run ${answer.runId} is ${answer.closed}: no chunk left to claim\n`);
      client.shutdown();
      await client.waitForExit();
      return { exitCode: EXIT_OK };
    }
    exit = await client.waitForExit();
  } catch (err) {
    view?.stop();
    client.shutdown();
    const exitCode = reportFailure(err, out);
    const failedRun = runId ?? (err instanceof EngineRequestError ? err.wire.context?.runId : undefined);
    if (exitCode === EXIT_UNFINISHED && failedRun !== undefined) printResumeHint(String(failedRun), params.configPath);
    return { exitCode };
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (!finished) {
    process.stderr.write(`${describeWorkerExit(exit, 'the run finished')}\n`);
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
export async function askWorker<R extends RequestDescriptor>(type: R, params: ParamsOf<R>): Promise<ResultOf<R>> {
  const client = startWorker();
  try {
    return await client.request(type, params);
  } finally {
    client.shutdown();
    await client.waitForExit();
  }
}

export function reportFailure(err: unknown, out: OutputOptions): number {
  const code = err instanceof EngineRequestError ? err.wire.exitCode : EXIT_UNFINISHED;
  const message = err instanceof Error ? err.message : String(err);
  const wire = err instanceof EngineRequestError ? { name: err.wire.name, context: err.wire.context, ...(err.wire.issues ? { issues: err.wire.issues } : {}) } : {};
  if (out.json) printJson('error', { message, exitCode: code, ...wire });
  else process.stderr.write(`thaw: ${message}\n`);
  return code === 2 ? EXIT_NOT_STARTED : EXIT_UNFINISHED;
}
