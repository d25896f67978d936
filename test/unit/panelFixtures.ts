// Test-data builders for the progress panel's model: runs, chunk maps and reads as the engine's
// read requests answer them, sized as a test needs.
import type { ChunkMap, RunSummary, TableSummary } from '../../src/protocol/engine';
import { emptyChunkMap } from '../../src/protocol/panel';
import type { ChunkState } from '../../src/protocol/states';
import type { StatusRead } from '../../src/views/panel/model/runRecorder';

export const T0 = Date.parse('2026-12-01T10:00:00Z');

export function runSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-1',
    configHash: 'hash',
    configPath: '/ws/config.json',
    status: 'in_progress',
    stopRequested: false,
    createdAt: new Date(T0 - 60_000).toISOString(),
    startedAt: new Date(T0).toISOString(),
    finishedAt: null,
    targetSchemas: ['analytics_dev2'],
    parallelThreads: 4,
    batchSize: 25000,
    rowsTotal: 1_000_000,
    rowsLoaded: 0,
    chunksTotal: 40,
    chunks: { pending: 40, in_progress: 0, completed: 0, failed: 0 },
    percent: 0,
    rowsPerSecond: 0,
    etaSeconds: null,
    liveWorkers: 1,
    error: null,
    ...overrides,
  };
}

export function tableSummary(overrides: Partial<TableSummary> = {}): TableSummary {
  return {
    runId: 'run-1',
    tableOrdinal: 0,
    sourceTable: 'FACTVISITCALLPERFORMANCE_CR',
    targetSchema: 'analytics_dev2',
    targetTable: 'factvisitcallperformance_cr',
    status: 'in_progress',
    totalChunks: 40,
    chunks: { pending: 40, in_progress: 0, completed: 0, failed: 0 },
    rowsTotal: 1_000_000,
    rowsLoaded: 0,
    percent: 0,
    nulStrippedRows: 0,
    warnings: [],
    error: null,
    ...overrides,
  };
}

/**
 * A chunk map of `partitions` days with `perPartition(p)` chunks each (one table), every chunk
 * `rows` rows, states from `stateOf(index)`.
 */
export function chunkMap(options: {
  partitions: number;
  perPartition: (p: number) => number;
  rows?: number;
  tables?: number;
  stateOf?: (index: number) => ChunkState;
  firstId?: number;
}): ChunkMap {
  const map = emptyChunkMap('run-1');
  let id = options.firstId ?? 1;
  for (let table = 0; table < (options.tables ?? 1); table++) {
    for (let p = 0; p < options.partitions; p++) {
      map.partitions.push({ tableOrdinal: table, value: new Date(Date.UTC(2025, 0, 1 + p)).toISOString().slice(0, 10), isNull: false });
      const count = options.perPartition(p);
      for (let k = 0; k < count; k++) {
        const index = map.chunkIds.length;
        const status = options.stateOf?.(index) ?? 'pending';
        map.chunkIds.push(id++);
        map.tableOrdinals.push(table);
        map.partitionIndex.push(map.partitions.length - 1);
        map.splitLow.push(k === 0 ? null : String(k * 1000));
        map.splitHigh.push(k === count - 1 ? null : String((k + 1) * 1000));
        map.splitIsNull.push(false);
        map.rowsExpected.push(options.rows ?? 25000);
        map.status.push(status);
        map.attempts.push(status === 'pending' ? 0 : 1);
        map.durationMs.push(status === 'completed' ? 2000 : null);
        if (status === 'failed') map.errors.push({ index, message: `chunk ${id - 1}: invalid input syntax for type date`, code: '22007' });
      }
    }
  }
  return map;
}

export function statusRead(overrides: Partial<StatusRead> = {}): StatusRead {
  return {
    run: runSummary(),
    tables: [tableSummary()],
    chunkMap: chunkMap({ partitions: 4, perPartition: () => 10 }),
    timeline: { runId: 'run-1', bucketSeconds: 5, buckets: [], tunings: [], maxWorkerMemoryMb: 2048 },
    workers: [],
    ...overrides,
  };
}
