// The one message protocol between a host (the CLI, the VS Code extension) and the engine worker
// process (protocol v2). Requests carry an id and get exactly one response; events flow from the
// worker at any time. Every message is a plain JSON-serialisable object sent over the Node IPC
// channel.
//
// Requests and events are declared as values (as rust-analyzer's lsp_ext.ts declares its
// messages), so the client, the worker and every host are type-checked against one list without
// casts. This file sits at the bottom of the import graph: the engine and the views import it; it
// imports nothing but its sibling protocol modules.
import type { ChunkState, RunState, TableState, WorkerState } from './states';

// ---------------------------------------------------------------------------------------------
// Descriptors

/** A request: `P` is what the host sends, `R` what the worker answers. */
export interface RequestType<P, R> {
  readonly method: string;
  /** Never set: carries the types for inference. */
  readonly __types?: (p: P) => R;
}

/** An event: `D` is its data. */
export interface EventType<D> {
  readonly event: string;
  /** Never set: carries the type for inference. */
  readonly __type?: (d: D) => void;
}

function request<P, R>(method: string): RequestType<P, R> {
  return Object.freeze({ method });
}

function event<D>(name: string): EventType<D> {
  return Object.freeze({ event: name });
}

// Both parameters are inferred: `RequestType<unknown, R>` would not match, as `__types` takes P
// in a contravariant position.
export type ParamsOf<T> = T extends RequestType<infer P, infer _R> ? P : never;
export type ResultOf<T> = T extends RequestType<infer _P, infer R> ? R : never;
export type DataOf<T> = T extends EventType<infer D> ? D : never;

// ---------------------------------------------------------------------------------------------
// Shapes

/** Which config a request acts on: every request that touches a database names one. */
export interface ConfigRef {
  configPath: string;
}

/** A run of that config; omitted: the newest unfinished run of the config. */
export interface RunRef extends ConfigRef {
  runId?: string;
}

export interface ColumnDecision {
  source: string;
  sourceType: string;
  target: string;
  targetType: string;
  reason: string;
  warnings: string[];
}

export interface TablePlanReport {
  tableOrdinal: number;
  sourceTable: string;
  target: string;
  rows: number;
  chunks: number;
  largestChunkRows: number;
  nullPartitionChunks: number;
  nullSplitChunks: number;
  targetExists: boolean;
  columns: ColumnDecision[];
  /** Incremental tables: which rows the run reads (from: null = full load) and the watermark it reaches. */
  watermark?: { column: string; from: string | null; reached: string | null; targetMax: string | null; lookbackSeconds: number };
}

export interface PlanReport {
  runId: string;
  configHash: string;
  sourceTime: string | null;
  tables: TablePlanReport[];
  totalRows: number;
  totalChunks: number;
  /** Seconds, from the throughput of earlier runs of this config; null when there is none. */
  estimateSeconds: number | null;
  estimateBasis: string;
}

export type ChunkCounts = Record<ChunkState, number>;

/** A run as the views list it: one row of `runs/list`. */
export interface RunSummary {
  runId: string;
  configHash: string;
  configPath: string | null;
  status: RunState;
  stopRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Target schemas of its tables, distinct, in table order. */
  targetSchemas: string[];
  parallelThreads: number;
  batchSize: number;
  rowsTotal: number;
  rowsLoaded: number;
  chunksTotal: number;
  chunks: ChunkCounts;
  /** percentDone(rowsLoaded, rowsTotal) from ./progress. */
  percent: number;
  /** rowsPerSecond() from ./progress, from the status tables; 0 when not running. */
  rowsPerSecond: number;
  /** null when the run is not running or the rate is not known yet. */
  etaSeconds: number | null;
  /** Workers heartbeating this run now. */
  liveWorkers: number;
  error: string | null;
}

export interface TableSummary {
  runId: string;
  tableOrdinal: number;
  sourceTable: string;
  targetSchema: string;
  targetTable: string;
  status: TableState;
  totalChunks: number;
  chunks: ChunkCounts;
  rowsTotal: number;
  rowsLoaded: number;
  percent: number;
  /** Rows whose U+0000 characters were stripped (on_nul_character: "strip"). */
  nulStrippedRows: number;
  /** Column decisions' warnings and load warnings (e.g. a primary key that could not be added). */
  warnings: string[];
  error: string | null;
}

/** Chunks of one table that share a partition value and a state. */
export interface ChunkGroup {
  runId: string;
  tableOrdinal: number;
  /** The partition value as text; null for the NULL partition or a table without partition column. */
  partitionValue: string | null;
  partitionIsNull: boolean;
  status: ChunkState;
  chunks: number;
  rowsExpected: number;
  rowsLoaded: number;
  /** Lowest and highest chunk id in the group. */
  firstChunkId: number;
  lastChunkId: number;
}

export interface ChunkDetail {
  runId: string;
  tableOrdinal: number;
  chunkId: number;
  status: ChunkState;
  partitionValue: string | null;
  partitionIsNull: boolean;
  splitLow: string | null;
  splitHigh: string | null;
  splitIsNull: boolean;
  attempts: number;
  rowsExpected: number;
  rowsLoaded: number | null;
  workerId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  lastError: string | null;
  /** PostgreSQL SQLSTATE or Snowflake error code of the last failure. */
  errorCode: string | null;
}

export interface Page<T> {
  total: number;
  offset: number;
  items: T[];
}

export interface WorkerSummary {
  workerId: string;
  runId: string;
  host: string;
  pid: number;
  status: WorkerState;
  threads: number | null;
  rssMb: number | null;
  startedAt: string;
  heartbeatAt: string;
  /** Chunks this worker completed in the run, and their rows. */
  chunksCompleted: number;
  rowsLoaded: number;
  /** Chunks it holds now. */
  chunksInFlight: number;
  /** Its own rate, measured like the run's (./progress rowsPerSecond) over the rows it committed; 0 once it stopped. */
  rowsPerSecond: number;
}

export interface ProgressSnapshot {
  runId: string;
  rowsTotal: number;
  rowsLoaded: number;
  bytesLoaded: number;
  chunksTotal: number;
  chunks: ChunkCounts;
  /** From the status tables (./progress rowsPerSecond): every worker of the run counts. */
  rowsPerSecond: number;
  etaSeconds: number | null;
  threadsDesired: number;
  threadsEffective: number;
  batchSize: number;
  rssMb: number;
  peakRssMb: number;
}

/**
 * Every chunk of a run in map order (table, partition in plan order, split order) as parallel
 * arrays, so that 11,000 chunks travel as one compact answer of one query.
 */
export interface ChunkMap {
  runId: string;
  chunkIds: number[];
  tableOrdinals: number[];
  /** Index into `partitions` of each chunk. */
  partitionIndex: number[];
  /** Distinct (table, partition value) pairs in map order. */
  partitions: Array<{ tableOrdinal: number; value: string | null; isNull: boolean }>;
  splitLow: Array<string | null>;
  splitHigh: Array<string | null>;
  splitIsNull: boolean[];
  rowsExpected: number[];
  status: ChunkState[];
  attempts: number[];
  /** Milliseconds from start to completion, or to now while in progress; null before the first start. */
  durationMs: Array<number | null>;
  /** The chunks that carry an error (failed, or waiting on a retry), by index into the arrays. */
  errors: Array<{ index: number; message: string; code: string | null }>;
}

/** Rows and bytes committed in one time bucket of a run (chunk completions). */
export interface ThroughputBucket {
  /** Bucket start, epoch milliseconds. */
  t: number;
  rows: number;
  bytes: number;
  chunks: number;
}

/** A change of a run's tunables: the values from `t` (epoch milliseconds) on. */
export interface RunTuning {
  t: number;
  threads: number;
  batchSize: number;
}

/** What happened over time: what the panel charts for a run it does not execute itself. */
export interface RunTimeline {
  runId: string;
  bucketSeconds: number;
  buckets: ThroughputBucket[];
  /** Every tuning change, oldest first, whoever made it. */
  tunings: RunTuning[];
  /** max_worker_memory_mb of this config: the line every worker keeps under. */
  maxWorkerMemoryMb: number;
}

/** A partition whose row count or checksum differs between source and target. */
export interface VerifyMismatch {
  /** The partition value as the source renders it; null for the NULL partition or a table without partition column. */
  partitionValue: string | null;
  partitionIsNull: boolean;
  sourceRows: number;
  targetRows: number;
}

/** One table of a `thaw verify`, as stored in the status schema. */
export interface VerifyTableResult {
  sourceTable: string;
  targetSchema: string;
  targetTable: string;
  partitions: number;
  equalPartitions: number;
  sourceRows: number;
  targetRows: number;
  /** The partitions that differ, in partition order (at most VERIFY_MISMATCHES_LISTED of them). */
  mismatches: VerifyMismatch[];
}

/** A stored verification: what `verify/run` answers and `verify/result` reads back. */
export interface VerifyResult {
  verifyId: string;
  configHash: string;
  startedAt: string;
  finishedAt: string;
  /** Every partition of every table compared equal. */
  equal: boolean;
  /** The run `thaw verify --repair` started to reload the mismatches, if any. */
  repairRunId: string | null;
  tables: VerifyTableResult[];
}

/** Mismatching partitions a VerifyTableResult lists; `partitions - equalPartitions` counts them all. */
export const VERIFY_MISMATCHES_LISTED = 100;

/** An error as it crosses the process boundary: enough for the host to report it and pick an exit code. */
export interface WireError {
  name: string;
  message: string;
  /** 2 when nothing could start (bad input, unreachable database), 1 otherwise. */
  exitCode: 1 | 2;
  context?: Record<string, string | number | undefined>;
  /** Config problems, each with its JSON path and 1-based line, so an editor can open the spot. */
  issues?: Array<{ path: string; message: string; line?: number; column?: number }>;
}

export type Health = 'ok' | 'warning' | 'error' | 'stopped';

// ---------------------------------------------------------------------------------------------
// Requests

export const Requests = {
  /** Plans without moving data; the plan is stored and `run/start` begins it. */
  plan: request<ConfigRef, PlanReport>('run/plan'),
  /** Starts a new run in this worker; answered once the run exists, its end is `run/finished`. */
  /**
   * With `detach`, the run is started (checks, target tables, truncation, in_progress) and the
   * request answers without executing it: `thaw worker` processes do (answer `detached: true`).
   */
  start: request<ConfigRef & { append?: boolean; detach?: boolean }, { runId: string; detached?: boolean }>('run/start'),
  resume: request<RunRef, { runId: string }>('run/resume'),
  /**
   * Joins a run in progress as one more worker (`thaw worker`): claims chunks until none are left.
   * Never plans, re-queues or truncates. A run already completed is answered with `closed` and
   * nothing executes.
   */
  join: request<RunRef, { runId: string; closed?: 'completed' }>('run/join'),
  /**
   * Re-queues failed chunks (one, several, a table's, or all) and, unless queueOnly, runs them.
   * A run this worker executes already takes them back in: they are re-queued into it.
   */
  retry: request<
    RunRef & { chunkId?: number; chunkIds?: number[]; tableOrdinal?: number; table?: string; queueOnly?: boolean },
    { runId: string; requeued: number }
  >(
    'run/retry',
  ),
  /** Every worker of the run finishes its chunks in flight and stops (through the status tables). */
  stop: request<RunRef, { runId: string }>('run/stop'),
  /** Closes a run for good. */
  abandon: request<RunRef, { runId: string }>('run/abandon'),
  tune: request<RunRef & { threads?: number; batchSize?: number }, { runId: string; threads: number; batchSize: number; replannedChunks: number }>(
    'run/tune',
  ),

  /** Runs newest first, with progress; of one config, or every run in its status schema. */
  listRuns: request<ConfigRef & { allConfigs?: boolean; limit?: number }, RunSummary[]>('runs/list'),
  /** The tables of a run, with progress. */
  listTables: request<ConfigRef & { runId: string }, TableSummary[]>('run/tables'),
  /** A table's chunks grouped by partition value and state, in partition order. */
  chunkGroups: request<ConfigRef & { runId: string; tableOrdinal: number }, ChunkGroup[]>('table/chunkGroups'),
  /** Chunks of a run filtered by table, state and partition, in chunk order, paged. */
  listChunks: request<
    ConfigRef & { runId: string; tableOrdinal?: number; status?: ChunkState; partitionValue?: string | null; offset?: number; limit?: number },
    Page<ChunkDetail>
  >('run/chunks'),
  listWorkers: request<ConfigRef & { runId: string }, WorkerSummary[]>('run/workers'),
  /** Every chunk of a run, compactly, for the progress panel's map. */
  chunkMap: request<ConfigRef & { runId: string }, ChunkMap>('run/chunkMap'),
  /** Throughput buckets of a run from its chunks' completion times, its tuning changes, and the memory limit. */
  timeline: request<ConfigRef & { runId: string; bucketSeconds: number }, RunTimeline>('run/timeline'),

  /**
   * Compares source and target per partition (`thaw verify`): the tables of the run (runId), the
   * one named (table), or all of the config. Answered with the stored result once it is done;
   * `verify/progress` events report each range measured meanwhile.
   */
  verify: request<ConfigRef & { runId?: string; table?: string }, VerifyResult>('verify/run'),
  /** The newest stored verification of the config (with runId: one that compared a table of that run); null when there is none. */
  verifyResult: request<ConfigRef & { runId?: string }, VerifyResult | null>('verify/result'),

  /** This worker finishes its chunks in flight and stops executing; other workers of the run go on. */
  workerStop: request<Record<string, never>, { runId: string | null }>('worker/stop'),
  /** This worker rolls back its chunks in flight now; the run can be resumed. */
  workerAbort: request<Record<string, never>, { runId: string | null }>('worker/abort'),
  /**
   * Environment the worker reads `${env:NAME}` references from, on top of its own: how a host that
   * keeps secrets (VS Code's SecretStorage) hands them over without writing them anywhere.
   */
  workerSetEnv: request<{ env: Record<string, string> }, { names: string[] }>('worker/setEnv'),
} as const;

export type RequestDescriptor = (typeof Requests)[keyof typeof Requests];

// ---------------------------------------------------------------------------------------------
// Events

export const Events = {
  runStarted: event<{
    runId: string;
    configPath: string;
    configHash: string;
    tables: number;
    chunks: number;
    rows: number;
    resumed: boolean;
    /** This worker joined a run other workers execute (`thaw worker`). */
    joined?: boolean;
  }>('run/started'),
  /** The run as the status tables say it is when this worker stops executing it. */
  runFinished: event<{
    runId: string;
    status: RunState;
    rowsLoaded: number;
    rowsTotal: number;
    /** Rows this worker loaded in this invocation: what `seconds` and the final rate are about. */
    rowsLoadedHere: number;
    failedChunks: number;
    seconds: number;
    peakRssMb: number;
    /** CPU time this worker process used in this invocation (process.cpuUsage, user + system), in microseconds. */
    cpuMicros?: number;
    /** Chunk attempts this worker started on each extract path (extract_mode; `auto` decides per chunk). */
    chunksByPath?: { unload: number; query: number };
    /** Why the run stopped, when it stopped on an error. */
    error?: string;
  }>('run/finished'),
  tableStateChanged: event<{ runId: string; tableOrdinal: number; sourceTable: string; status: TableState }>('table/stateChanged'),
  /** Every chunk state change this worker causes: claims, completions, failures, reclaims. */
  chunkStateChanged: event<{
    runId: string;
    tableOrdinal: number;
    chunkId: number;
    status: ChunkState;
    attempts: number;
    rows?: number;
    error?: string;
    errorCode?: string;
  }>('chunk/stateChanged'),
  runProgress: event<ProgressSnapshot>('run/progress'),
  runTuned: event<{ runId: string; threads: number; batchSize: number; at: string }>('run/tuned'),
  workerMemory: event<{ rssMb: number; limitMb: number; threads: number; action: 'lowered' | 'raised' }>('worker/memory'),
  /** The worker's health: what a status bar shows. */
  workerStatus: event<{ health: Health; runId: string | null; pid: number; message?: string }>('worker/status'),
  /** One range of a table measured on one side by a `verify/run` of this worker. */
  verifyProgress: event<{ configPath: string; runId: string | null; table: string; side: 'source' | 'target'; done: number; total: number }>('verify/progress'),
  /** A `verify/run` of this worker stored its result. */
  verifyFinished: event<{ configPath: string; runId: string | null; verifyId: string; equal: boolean }>('verify/finished'),
  log: event<{ level: 'debug' | 'info' | 'warn' | 'error'; message: string; context?: Record<string, string | number | undefined> }>('log'),
} as const;

export type EventDescriptor = (typeof Events)[keyof typeof Events];

// ---------------------------------------------------------------------------------------------
// Wire messages

export interface RequestMessage {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

export type ResponseMessage = { kind: 'response'; id: number; result: unknown } | { kind: 'response'; id: number; error: WireError };

export interface EventMessage {
  kind: 'event';
  event: string;
  data: unknown;
}

export type WorkerMessage = ResponseMessage | EventMessage;
export type HostMessage = RequestMessage;

/** Builds the wire form of an event; `data` is checked against the descriptor. */
export function eventMessage<E extends EventDescriptor>(e: E, data: DataOf<E>): EventMessage {
  return { kind: 'event', event: e.event, data };
}

/** Looks up a request descriptor by its wire method (the worker's dispatch). */
export function requestByMethod(method: string): RequestDescriptor | undefined {
  return Object.values(Requests).find((r) => r.method === method);
}
