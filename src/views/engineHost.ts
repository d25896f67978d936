// The extension's one long-lived engine worker (dist/worker.cjs), driven only through the typed
// protocol. Every command and every read of the tree goes through it. When it dies unexpectedly
// the cause is reported (with a Resume action, by ./context.ts) and the next request starts a
// fresh one: the extension itself stays up.
import { EventEmitter } from 'node:events';
import * as vscode from 'vscode';
import { Events, Requests, type DataOf, type EventDescriptor, type ParamsOf, type RequestDescriptor, type ResultOf } from '../protocol/engine';
import { EngineClient } from '../engine/worker/client';
import { Disposable } from './disposable';

export interface WorkerCrash {
  /** What the worker said last before dying, or its exit code/signal. */
  cause: string;
  /** The run it was executing, if any. */
  runId: string | null;
  configPath: string | null;
}

export class EngineHost extends Disposable {
  private client: EngineClient | undefined;
  private starting: Promise<EngineClient> | undefined;
  private readonly events = new EventEmitter();
  private env: Record<string, string> = {};
  private active: { runId: string; configPath: string } | null = null;
  private lastError: string | undefined;
  private stopping = false;

  private readonly crashed = this._register(new vscode.EventEmitter<WorkerCrash>());
  /** The worker exited without being asked to. */
  readonly onDidCrash = this.crashed.event;
  private readonly activeChanged = this._register(new vscode.EventEmitter<void>());
  /** The run this worker executes started or ended. */
  readonly onDidChangeActiveRun = this.activeChanged.event;

  constructor(
    private readonly workerPath: string,
    private readonly log: vscode.LogOutputChannel,
    initialEnv: () => Promise<Record<string, string>>,
  ) {
    super();
    this.events.setMaxListeners(0);
    this.envReady = initialEnv().then((env) => {
      this.env = env;
    });
  }

  private readonly envReady: Promise<void>;

  /** The run this window's worker executes now. */
  get activeRun(): { runId: string; configPath: string } | null {
    return this.active;
  }

  get pid(): number | undefined {
    return this.client?.pid;
  }

  async request<R extends RequestDescriptor>(r: R, params: ParamsOf<R>): Promise<ResultOf<R>> {
    const client = await this.ensureWorker();
    return client.request(r, params);
  }

  /** Listens to an event of whichever worker runs now and of the ones started later. */
  on<E extends EventDescriptor>(e: E, listener: (data: DataOf<E>) => void): vscode.Disposable {
    this.events.on(e.event, listener);
    return new vscode.Disposable(() => this.events.off(e.event, listener));
  }

  /** Secrets for `${env:NAME}`: handed to the running worker now and to every later one at start. */
  async setEnv(env: Record<string, string>): Promise<void> {
    await this.envReady;
    this.env = { ...env };
    if (this.client) await this.client.request(Requests.workerSetEnv, { env: this.env });
  }

  private ensureWorker(): Promise<EngineClient> {
    if (this.client) return Promise.resolve(this.client);
    this.starting ??= this.startWorker().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async startWorker(): Promise<EngineClient> {
    await this.envReady;
    const client = new EngineClient({ workerPath: this.workerPath });
    this.lastError = undefined;
    for (const e of Object.values(Events)) {
      client.on(e, (data: unknown) => this.events.emit(e.event, data));
    }
    client.on(Events.log, (e) => {
      if (e.level === 'error') this.lastError = e.message;
    });
    client.on(Events.runStarted, (e) => {
      this.active = { runId: e.runId, configPath: e.configPath };
      this.activeChanged.fire();
    });
    client.on(Events.runFinished, (e) => {
      if (this.active?.runId === e.runId) this.active = null;
      this.activeChanged.fire();
    });
    client.onStderr((line) => this.log.warn(`worker stderr: ${line}`));
    client.onExit((exit) => {
      if (this.client === client) this.client = undefined;
      const was = this.active;
      this.active = null;
      if (was) this.activeChanged.fire();
      if (this.stopping || this.isDisposed) return;
      const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const lastWords = exit.stderrTail.filter((l) => l.trim()).slice(-3).join(' ') || this.lastError;
      const cause = lastWords ? `${lastWords} (worker ${how})` : `the engine worker ${how}`;
      this.log.error(`engine worker ${client.pid} ${how}`, { runId: was?.runId });
      this.crashed.fire({ cause, runId: was?.runId ?? null, configPath: was?.configPath ?? null });
    });
    this.client = client;
    this.log.info(`engine worker ${client.pid} started`);
    if (Object.keys(this.env).length > 0) await client.request(Requests.workerSetEnv, { env: this.env });
    return client;
  }

  /**
   * Lets the worker finish its chunks in flight and exit (window close or reload). The run stays
   * open in the status tables; the next window resumes it (./runMemory.ts).
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    client?.shutdown();
    await client?.waitForExit();
  }

  override dispose(): void {
    this.stopping = true;
    this.client?.shutdown();
    super.dispose();
  }
}
