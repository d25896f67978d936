// The host side of the engine protocol: forks the worker process and offers requests and events
// typed by their descriptors (src/protocol/engine.ts). The CLI forks one per command; the VS Code
// extension keeps one for its whole session. The worker's stderr is captured line by line (the
// host decides where it goes) and its last lines travel with a crash.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type {
  DataOf,
  EventDescriptor,
  HostMessage,
  ParamsOf,
  RequestDescriptor,
  ResultOf,
  WireError,
  WorkerMessage,
} from '../../protocol/engine';

export class EngineRequestError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}

/** How the worker process ended. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it wrote to stderr: the cause of a crash, usually. */
  stderrTail: string[];
}

/** "the engine worker exited with code 1 before <what>: <its last stderr lines>". */
export function describeWorkerExit(exit: WorkerExit, before: string): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.length ? `:\n  ${exit.stderrTail.join('\n  ')}` : '';
  return `the engine worker ${how} before ${before}${tail}`;
}

/** The worker went away (crashed, was killed, or could not start) before answering a request. */
export class WorkerExitedError extends Error {
  constructor(
    readonly exit: WorkerExit,
    method: string,
  ) {
    super(describeWorkerExit(exit, `answering ${method}`));
    this.name = 'WorkerExitedError';
  }
}

export interface Disposable {
  dispose(): void;
}

export interface EngineClientOptions {
  /** Path of dist/worker.cjs. */
  workerPath: string;
  /** Environment of the worker process (default: this process's). Secrets can also come later, by worker/setEnv. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Pending = { method: string; resolve: (value: unknown) => void; reject: (err: Error) => void };

const STDERR_TAIL_LINES = 20;

export class EngineClient {
  private readonly child: ChildProcess;
  private readonly events = new EventEmitter();
  private readonly pending = new Map<number, Pending>();
  private readonly stderrTail: string[] = [];
  private nextId = 1;
  private readonly exited: Promise<WorkerExit>;
  private exit: WorkerExit | undefined;

  constructor(options: EngineClientOptions) {
    this.child = fork(options.workerPath, [], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      this.events.emit('stderr', line);
    });
    this.child.on('message', (msg: WorkerMessage) => this.dispatch(msg));
    this.exited = new Promise((resolve) => {
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit) return;
        this.exit = { code, signal, stderrTail: [...this.stderrTail] };
        for (const p of this.pending.values()) p.reject(new WorkerExitedError(this.exit, p.method));
        this.pending.clear();
        this.events.emit('exit', this.exit);
        resolve(this.exit);
      };
      // The tail should hold the last words: settle once stderr is read to its end too (not on
      // the child's 'close', which never comes once the IPC channel was disconnected).
      const stderrClosed = new Promise<void>((r) => this.child.stderr!.once('close', r));
      this.child.once('exit', (code, signal) => {
        const grace = new Promise<void>((r) => setTimeout(r, 1000).unref());
        void Promise.race([stderrClosed, grace]).then(() => settle(code, signal));
      });
      // The process could not be started (or signalled): without a listener this would throw.
      this.child.on('error', (err) => {
        this.stderrTail.push(`${err.name}: ${err.message}`);
        if (this.child.exitCode === null && this.child.pid === undefined) settle(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<R extends RequestDescriptor>(type: R, params: ParamsOf<R>): Promise<ResultOf<R>> {
    if (this.exit) return Promise.reject(new WorkerExitedError(this.exit, type.method));
    const id = this.nextId++;
    const message: HostMessage = { kind: 'request', id, method: type.method, params };
    return new Promise<ResultOf<R>>((resolve, reject) => {
      this.pending.set(id, { method: type.method, resolve: (v) => resolve(v as ResultOf<R>), reject });
      this.child.send(message, (err) => {
        if (err && this.pending.delete(id)) reject(err);
      });
    });
  }

  on<E extends EventDescriptor>(type: E, listener: (data: DataOf<E>) => void): Disposable {
    return this.listen(`event:${type.event}`, listener);
  }

  /** Each line the worker writes to stderr (a crash's stack, a native module's complaint). */
  onStderr(listener: (line: string) => void): Disposable {
    return this.listen('stderr', listener);
  }

  onExit(listener: (exit: WorkerExit) => void): Disposable {
    return this.listen('exit', listener);
  }

  /** Resolves once the worker has exited, with how. */
  waitForExit(): Promise<WorkerExit> {
    return this.exited;
  }

  /** Asks the worker to leave: it finishes the chunks in flight when it is running a run. */
  shutdown(): void {
    if (this.child.connected) this.child.disconnect();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  private listen<T>(name: string, listener: (data: T) => void): Disposable {
    this.events.on(name, listener);
    return { dispose: () => this.events.off(name, listener) };
  }

  private dispatch(msg: WorkerMessage): void {
    if (msg.kind === 'event') {
      this.events.emit(`event:${msg.event}`, msg.data);
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if ('error' in msg) pending.reject(new EngineRequestError(msg.error));
    else pending.resolve(msg.result);
  }
}
