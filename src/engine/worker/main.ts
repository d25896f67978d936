// The engine worker process: answers the host's requests (src/protocol/engine.ts) over the IPC
// channel and streams events back. When the host goes away it finishes the chunks in flight,
// then exits.
import type { EngineEventName, EngineEvents, HostMessage, WireError, WorkerMessage } from '../../protocol/engine';
import { errorMessage, ThawError } from '../errors';
import { startupExitCode } from '../exitCodes';
import { EngineService } from '../service';

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

function emit<E extends EngineEventName>(event: E, data: EngineEvents[E]): void {
  send({ kind: 'event', event, data } as WorkerMessage);
}

function toWire(err: unknown): WireError {
  return {
    name: err instanceof Error ? err.name : 'Error',
    message: errorMessage(err),
    exitCode: startupExitCode(err),
    context: err instanceof ThawError ? { ...err.context } : undefined,
  };
}

if (!process.send) {
  process.stderr.write('dist/worker.cjs is started by the thaw CLI or the VS Code extension, not by hand\n');
  process.exit(2);
}

const service = new EngineService(emit);

process.on('message', (msg: HostMessage) => {
  if (msg?.kind !== 'request') return;
  service
    .handle(msg.method, msg.params)
    .then((result) => send({ kind: 'response', id: msg.id, result } as WorkerMessage))
    .catch((err: unknown) => send({ kind: 'response', id: msg.id, error: toWire(err) }));
});

// Ctrl-C in a terminal reaches the whole process group, this worker included. The host decides
// what it means (finish the chunks in flight, or abort) and tells the worker by disconnecting.
process.on('SIGINT', () => undefined);

process.on('disconnect', () => {
  service.shutdown().finally(() => process.exit(0));
});
