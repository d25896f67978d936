// The one message protocol between a host (the CLI, the VS Code extension) and the engine worker
// process. Requests carry an id and get exactly one response; events flow from the worker at any
// time. Every message is a plain JSON-serialisable object sent over the Node IPC channel.

import type { ChunkState, RunState, TableState } from '../engine/state/states';

export type RunStatus = RunState;
export type TableStatus = TableState;
export type ChunkStatus = ChunkState;

/** What the host asks of the worker. `env` carries secrets the host resolved (SecretStorage). */
export interface EngineRequests {
  'run/plan': { params: { configPath: string }; result: PlanReport };
  'run/start': { params: { configPath: string; append?: boolean }; result: { runId: string } };
  'run/resume': { params: { configPath: string; runId?: string }; result: { runId: string } };
  'run/retry': {
    params: { configPath: string; runId?: string; chunkId?: number; table?: string; queueOnly?: boolean };
    result: { runId: string; requeued: number };
  };
  'run/stop': { params: { configPath: string; runId?: string }; result: { runId: string } };
  /** This worker finishes its chunks in flight and stops; other workers of the run go on. */
  'worker/stop': { params: Record<string, never>; result: { runId: string | null } };
  'run/tune': {
    params: { configPath: string; runId?: string; threads?: number; batchSize?: number };
    result: { runId: string; threads: number; batchSize: number; replannedChunks: number };
  };
}
export type EngineMethod = keyof EngineRequests;

export interface ColumnDecision {
  source: string;
  sourceType: string;
  target: string;
  targetType: string;
  reason: string;
  warnings: string[];
}

export interface TablePlanReport {
  sourceTable: string;
  target: string;
  rows: number;
  chunks: number;
  largestChunkRows: number;
  nullPartitionChunks: number;
  nullSplitChunks: number;
  targetExists: boolean;
  columns: ColumnDecision[];
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

export interface ProgressSnapshot {
  runId: string;
  rowsTotal: number;
  rowsLoaded: number;
  chunksTotal: number;
  chunks: Record<ChunkStatus, number>;
  /** Rows per second over the last few seconds of this worker. */
  rowsPerSecond: number;
  etaSeconds: number | null;
  threadsDesired: number;
  threadsEffective: number;
  rssMb: number;
  peakRssMb: number;
}

export interface EngineEvents {
  'run/started': { runId: string; configHash: string; tables: number; chunks: number; rows: number; resumed: boolean };
  'run/finished': { runId: string; status: RunStatus; rowsLoaded: number; failedChunks: number; seconds: number; peakRssMb: number };
  'table/stateChanged': { runId: string; table: string; status: TableStatus };
  'chunk/stateChanged': {
    runId: string;
    table: string;
    chunkId: number;
    status: ChunkStatus;
    attempts: number;
    rows?: number;
    error?: string;
  };
  'run/progress': ProgressSnapshot;
  'worker/memory': { rssMb: number; limitMb: number; threads: number; action: 'lowered' | 'raised' };
  log: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; context?: Record<string, string | number | undefined> };
}
export type EngineEventName = keyof EngineEvents;

export interface RequestMessage<M extends EngineMethod = EngineMethod> {
  kind: 'request';
  id: number;
  method: M;
  params: EngineRequests[M]['params'];
}

/** An error as it crosses the process boundary: enough for the host to report it and pick an exit code. */
export interface WireError {
  name: string;
  message: string;
  /** 2 when nothing could start (bad input, unreachable database), 1 otherwise. */
  exitCode: 1 | 2;
  context?: Record<string, string | number | undefined>;
}

export type ResponseMessage<M extends EngineMethod = EngineMethod> =
  | { kind: 'response'; id: number; result: EngineRequests[M]['result'] }
  | { kind: 'response'; id: number; error: WireError };

export interface EventMessage<E extends EngineEventName = EngineEventName> {
  kind: 'event';
  event: E;
  data: EngineEvents[E];
}

export type WorkerMessage = ResponseMessage | EventMessage;
export type HostMessage = RequestMessage;
