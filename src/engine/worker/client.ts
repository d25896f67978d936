// The host side of the engine protocol: forks the worker process and offers typed requests and
// events. The CLI uses it today; the VS Code extension uses the same class.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type {
  EngineEventName,
  EngineEvents,
  EngineMethod,
  EngineRequests,
  HostMessage,
  WireError,
  WorkerMessage,
} from '../../protocol/engine';

export class EngineRequestError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}

export interface EngineClientOptions {
  /** Path of dist/worker.cjs. */
  workerPath: string;
  /** Environment of the worker: where the host passes secrets it holds (e.g. SecretStorage). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

export class EngineClient {
  private readonly child: ChildProcess;
  private readonly events = new EventEmitter();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Promise<number | null>;

  constructor(options: EngineClientOptions) {
    this.child = fork(options.workerPath, [], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child.on('message', (msg: WorkerMessage) => this.dispatch(msg));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        const reason = new Error(`engine worker exited (${signal ?? `code ${code}`}) before answering`);
        for (const p of this.pending.values()) p.reject(reason);
        this.pending.clear();
        this.events.emit('exit', code, signal);
        resolve(code);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<M extends EngineMethod>(method: M, params: EngineRequests[M]['params']): Promise<EngineRequests[M]['result']> {
    const id = this.nextId++;
    const message: HostMessage = { kind: 'request', id, method, params } as HostMessage;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send(message, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  on<E extends EngineEventName>(event: E, listener: (data: EngineEvents[E]) => void): this {
    this.events.on(event, listener);
    return this;
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): this {
    this.events.on('exit', listener);
    return this;
  }

  /** Resolves with the worker's exit code once it has exited. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** Asks the worker to leave: it finishes in-flight chunks when it is running a run. */
  shutdown(): void {
    if (this.child.connected) this.child.disconnect();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  private dispatch(msg: WorkerMessage): void {
    if (msg.kind === 'event') {
      this.events.emit(msg.event, msg.data);
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if ('error' in msg) pending.reject(new EngineRequestError(msg.error));
    else pending.resolve(msg.result);
  }
}
