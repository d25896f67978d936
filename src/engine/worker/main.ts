// The engine worker process: answers the host's requests (src/protocol/engine.ts) over the IPC
// channel and streams events back. It serves any number of requests, a run among them, until the
// host goes away; then it finishes the chunks in flight and exits.
import { Events, eventMessage, Requests, type EventDescriptor, type DataOf, type HostMessage, type WireError, type WorkerMessage } from '../../protocol/engine';
import { errorMessage, ThawError, ConfigError } from '../errors';
import { startupExitCode } from '../exitCodes';
import { EngineService, type RequestHandlers } from '../service';

function send(message: WorkerMessage): void {
  // The host can go between this check and the write: the write then fails with EPIPE, which
  // without a callback is an 'error' event that would crash the worker. Nobody is left to read the
  // message; the 'disconnect' handler below finishes the chunks in flight and exits.
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

function emit<E extends EventDescriptor>(event: E, data: DataOf<E>): void {
  send(eventMessage(event, data));
}

function toWire(err: unknown): WireError {
  return {
    name: err instanceof Error ? err.name : 'Error',
    message: errorMessage(err),
    exitCode: startupExitCode(err),
    context: err instanceof ThawError ? { ...err.context } : undefined,
    issues: err instanceof ConfigError ? err.issues : undefined,
  };
}

if (!process.send) {
  process.stderr.write('dist/worker.cjs is started by the thaw CLI or the VS Code extension, not by hand\n');
  process.exit(2);
}

const service = new EngineService(emit);

/**
 * Wire method → handler. Params arrive as untyped JSON: this is the one place they meet their
 * descriptor, and each handler is checked against it (RequestHandlers).
 */
function dispatchTable(handlers: RequestHandlers): Map<string, (params: unknown) => Promise<unknown>> {
  const table = new Map<string, (params: unknown) => Promise<unknown>>();
  for (const key of Object.keys(Requests) as Array<keyof typeof Requests>) {
    const handler = handlers[key] as (params: unknown) => Promise<unknown>;
    table.set(Requests[key].method, handler);
  }
  return table;
}

const handlers = dispatchTable(service.handlers);

process.on('message', (msg: HostMessage) => {
  if (msg?.kind !== 'request') return;
  const handler = handlers.get(msg.method);
  (handler ? handler(msg.params) : Promise.reject(new Error(`unknown request ${msg.method}`)))
    .then((result) => send({ kind: 'response', id: msg.id, result }))
    .catch((err: unknown) => send({ kind: 'response', id: msg.id, error: toWire(err) }));
});

emit(Events.workerStatus, { health: 'ok', runId: null, pid: process.pid, message: 'worker ready' });

// Ctrl-C in a terminal reaches the whole process group, this worker included. The host decides
// what it means (finish the chunks in flight, or abort) and tells the worker by a request.
process.on('SIGINT', () => undefined);

// Once the host is gone, so are the pipes of its stdout and stderr: a log line written to them then
// fails with EPIPE, which must not crash the worker while it finishes its chunks.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

process.on('disconnect', () => {
  service.close().finally(() => process.exit(0));
});
