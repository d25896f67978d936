// Typed builders of the protocol values the views show: a test states only what it is about.
// Runs and tables start from the panel's fixtures (test/unit/panelFixtures.ts).
import type { ChunkCounts, ChunkDetail, ChunkGroup, RunSummary, TableSummary, WorkerSummary } from '../../../src/protocol/engine';
import { runSummary, tableSummary } from '../panelFixtures';

export function counts(c: Partial<ChunkCounts> = {}): ChunkCounts {
  return { pending: 0, in_progress: 0, completed: 0, failed: 0, ...c };
}

/** A running run 41% done, as the tree's tests describe it (panelFixtures' run with these figures). */
export function aRun(r: Partial<RunSummary> = {}): RunSummary {
  return runSummary({
    runId: 'r1',
    configHash: 'h',
    configPath: '/w/config.json',
    startedAt: '2026-12-01T15:00:05.000Z',
    rowsLoaded: 410_000,
    chunks: counts({ completed: 16, in_progress: 4, pending: 20 }),
    percent: 41,
    rowsPerSecond: 12_345,
    etaSeconds: 11_520,
    ...r,
  });
}

export function aTable(t: Partial<TableSummary> = {}): TableSummary {
  return tableSummary({
    runId: 'r1',
    sourceTable: 'FACT',
    targetTable: 'fact',
    chunks: counts({ completed: 16, in_progress: 4, pending: 20 }),
    rowsLoaded: 410_000,
    percent: 41,
    ...t,
  });
}

export function aGroup(g: Partial<ChunkGroup> = {}): ChunkGroup {
  return {
    runId: 'r1',
    tableOrdinal: 0,
    partitionValue: '2024-01-01',
    partitionIsNull: false,
    status: 'completed',
    chunks: 1,
    rowsExpected: 25_000,
    rowsLoaded: 25_000,
    firstChunkId: 1,
    lastChunkId: 1,
    ...g,
  };
}

export function aChunk(c: Partial<ChunkDetail> = {}): ChunkDetail {
  return {
    runId: 'r1',
    tableOrdinal: 0,
    chunkId: 7,
    status: 'failed',
    partitionValue: '2024-01-01',
    partitionIsNull: false,
    splitLow: '100',
    splitHigh: '200',
    splitIsNull: false,
    attempts: 5,
    rowsExpected: 25_000,
    rowsLoaded: null,
    workerId: 'host:123',
    startedAt: '2026-12-01T15:01:00.000Z',
    completedAt: null,
    lastError: 'value too long for type character varying(10)',
    errorCode: '22001',
    ...c,
  };
}

/** A running worker of run r1. */
export function aWorker(w: Partial<WorkerSummary> = {}): WorkerSummary {
  return {
    workerId: 'loader-0:4242:abc123',
    runId: 'r1',
    host: 'loader-0',
    pid: 4242,
    status: 'running',
    threads: 4,
    rssMb: 256,
    startedAt: '2026-12-01T15:00:05.000Z',
    heartbeatAt: '2026-12-01T15:10:05.000Z',
    chunksCompleted: 0,
    rowsLoaded: 0,
    chunksInFlight: 0,
    rowsPerSecond: 0,
    ...w,
  };
}
