// The one message protocol between the extension host and the progress panel's webview.
//
// The host sends cumulative snapshots (everything the panel shows, at most twice a second), so a
// message the webview misses (hidden, reloading) costs nothing: the next one carries it all. The
// chunk map's layout (ranges, rows: thousands of strings that rarely change) travels apart from
// the chunk states, keyed: a snapshot names the layout its states belong to, and a webview that
// lacks it asks for it. The webview speaks first (`panel/ready`), so the host never posts into a
// page that is not listening yet.
import type { ChunkCounts, ChunkMap, TableSummary, VerifyResult } from './engine';
import type { ChunkState, RunState } from './states';

// ---------------------------------------------------------------------------------------------
// What the panel shows

/** Cumulative rows and bytes loaded at a moment: the rolling rate and ETA are computed from these. */
export interface ProgressSample {
  /** Epoch milliseconds. */
  t: number;
  rows: number;
  bytes: number;
}

export interface PanelRun {
  runId: string;
  configPath: string;
  status: RunState;
  targetSchemas: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  threads: number;
  /** Threads the executing worker really runs (the memory guard may hold it lower); null when unknown. */
  threadsEffective: number | null;
  batchSize: number;
  liveWorkers: number;
  error: string | null;
}

/** Chunk states in layout order: one character per chunk (see CHUNK_STATE_CODES). */
export interface ChunkStates {
  layoutKey: string;
  codes: string;
  attempts: number[];
  /** Milliseconds from start to completion (or to now while in progress); -1 before the first start. */
  durationMs: number[];
}

/** Everything the chunk map needs that only changes when the run's chunks are cut again. */
export interface ChunkLayout {
  key: string;
  chunkIds: number[];
  tableOrdinals: number[];
  partitionIndex: number[];
  partitions: Array<{ tableOrdinal: number; label: string }>;
  splitLow: Array<string | null>;
  splitHigh: Array<string | null>;
  splitIsNull: boolean[];
  rowsExpected: number[];
}

export interface FailedChunk {
  chunkId: number;
  tableOrdinal: number;
  attempts: number;
  error: string;
  errorCode: string | null;
}

export interface TuningMark {
  t: number;
  threads: number;
  batchSize: number;
}

export interface MemorySample {
  t: number;
  /** The highest RSS among the run's live workers: the limit applies to each. */
  rssMb: number;
  threads: number | null;
}

export interface PanelSnapshot {
  /** Increases with every snapshot of this panel: the webview ignores an older one. */
  seq: number;
  /** `worker`: pushed by this window's worker; `statusTables`: read from the database (a run executed elsewhere). */
  source: 'worker' | 'statusTables';
  takenAt: number;
  run: PanelRun;
  totals: { rowsTotal: number; rowsLoaded: number; bytesLoaded: number; chunksTotal: number; chunks: ChunkCounts };
  samples: ProgressSample[];
  tables: TableSummary[];
  chunkStates: ChunkStates;
  failed: FailedChunk[];
  throughput: { bucketSeconds: number; buckets: Array<{ t: number; rows: number; bytes: number }> };
  tunings: TuningMark[];
  memory: { limitMb: number | null; samples: MemorySample[] };
  /** Why the data could not be refreshed (an unreachable database): shown, never hidden. */
  problem: string | null;
}

export const CHUNK_STATE_CODES = Object.freeze({ pending: 'p', in_progress: 'r', completed: 'c', failed: 'f' } as const satisfies Record<
  ChunkState,
  string
>);

export function chunkStateOfCode(code: string): ChunkState {
  switch (code) {
    case 'r':
      return 'in_progress';
    case 'c':
      return 'completed';
    case 'f':
      return 'failed';
    default:
      return 'pending';
  }
}

/** A run's chunk map before any chunk is added: what the reader and the test builders fill. */
export function emptyChunkMap(runId: string): ChunkMap {
  return {
    runId,
    chunkIds: [],
    tableOrdinals: [],
    partitionIndex: [],
    partitions: [],
    splitLow: [],
    splitHigh: [],
    splitIsNull: [],
    rowsExpected: [],
    status: [],
    attempts: [],
    durationMs: [],
    errors: [],
  };
}

/** What the webview keeps through getState/setState, and what the serializer gets back after a reload. */
export interface PanelState {
  runId: string;
  configPath: string;
  snapshot: PanelSnapshot | null;
  selectedChunkId: number | null;
  /** The newest verification of the run's tables, as last shown (undefined: not read yet). */
  verification?: VerifyResult | null;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Host → webview. */
export type HostToPanel =
  | { type: 'snapshot/update'; snapshot: PanelSnapshot }
  | { type: 'layout/update'; layout: ChunkLayout }
  | { type: 'action/done'; id: number; ok: boolean; message: string }
  /** The newest stored `thaw verify` of the run's tables (null: never verified); sent when it changes. */
  | { type: 'verification/update'; verification: VerifyResult | null };

/** Webview → host. Actions carry an id; the host answers each with one `action/done`. */
export type PanelToHost =
  | { type: 'panel/ready'; layoutKey: string | null }
  | { type: 'layout/request' }
  | { type: 'run/tune'; id: number; threads?: number; batchSize?: number }
  | { type: 'chunks/retry'; id: number; chunkIds: number[] };

/** The host posts snapshots at most this often. */
export const SNAPSHOT_INTERVAL_MS = 500;

/** The webview's panel type: the serializer and the host agree on it. */
export const PANEL_VIEW_TYPE = 'thaw.progress';

export function isPanelToHost(value: unknown): value is PanelToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; id?: unknown; chunkIds?: unknown };
  switch (m.type) {
    case 'panel/ready':
    case 'layout/request':
      return true;
    case 'run/tune':
      return typeof m.id === 'number';
    case 'chunks/retry':
      return typeof m.id === 'number' && Array.isArray(m.chunkIds) && m.chunkIds.every((c) => Number.isInteger(c));
    default:
      return false;
  }
}
