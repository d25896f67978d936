// The host's memory of one run, fed from two sources that end in the same snapshot:
// - reads of the status tables (any run, executed anywhere: the CLI, another machine), and
// - events this window's worker pushes for the run it executes (fresher, between reads).
// Everything the panel shows is derived from here, so a run looks the same whoever executes it.
// Plain data, no vscode: tested in plain Node.
import type { ChunkMap, DataOf, Events, ProgressSnapshot, RunSummary, RunTimeline, TableSummary, WorkerSummary } from '../../../protocol/engine';
import {
  CHUNK_STATE_CODES,
  chunkStateOfCode,
  type ChunkLayout,
  type FailedChunk,
  type MemorySample,
  type PanelSnapshot,
  type ProgressSample,
  type TuningMark,
} from '../../../protocol/panel';
import { CHUNK_STATES, type ChunkState } from '../../../protocol/states';

/** Samples kept for the rolling rates; older ones are dropped. */
const SAMPLE_HISTORY_MS = 15 * 60_000;
/** Memory samples kept for the chart. */
const MEMORY_HISTORY = 720;
/** A run counts as executed by this window's worker while its events keep arriving. */
const PUSHED_FRESH_MS = 10_000;

export interface StatusRead {
  run: RunSummary;
  tables: TableSummary[];
  chunkMap: ChunkMap;
  timeline: RunTimeline;
  workers: WorkerSummary[];
}

type ChunkEvent = DataOf<typeof Events.chunkStateChanged>;
type TunedEvent = DataOf<typeof Events.runTuned>;
type MemoryEvent = DataOf<typeof Events.workerMemory>;

export class RunRecorder {
  private seq = 0;
  private run: RunSummary | undefined;
  private tables: TableSummary[] = [];
  private layout: ChunkLayout | undefined;
  private indexOfChunk = new Map<number, number>();
  private codes: string[] = [];
  private attempts: number[] = [];
  private durationMs: number[] = [];
  private claimedAt = new Map<number, number>();
  private failed = new Map<number, FailedChunk>();
  private rowsLoaded = 0;
  private bytesLoaded = 0;
  private threadsEffective: number | null = null;
  private samples: ProgressSample[] = [];
  private throughput: PanelSnapshot['throughput'] = { bucketSeconds: 5, buckets: [] };
  private tunings: TuningMark[] = [];
  private memory: MemorySample[] = [];
  private memoryLimitMb: number | null = null;
  private lastPushAt = -Infinity;
  private problem: string | null = null;

  constructor(
    readonly runId: string,
    private readonly configPath: string,
  ) {}

  /** Whether the panel has anything to show yet. */
  get ready(): boolean {
    return this.run !== undefined && this.layout !== undefined;
  }

  get status(): RunSummary['status'] | undefined {
    return this.run?.status;
  }

  /** What the panel should read the status tables for: throughput buckets wide enough for ~150 points. */
  bucketSeconds(now: number): number {
    const started = this.run?.startedAt ? Date.parse(this.run.startedAt) : now;
    const end = this.run?.finishedAt ? Date.parse(this.run.finishedAt) : now;
    const span = Math.max(0, end - started) / 1000;
    return Math.max(5, Math.ceil(span / 150 / 5) * 5);
  }

  isPushed(now: number): boolean {
    return now - this.lastPushAt < PUSHED_FRESH_MS;
  }

  applyRead(read: StatusRead, now: number): void {
    this.problem = null;
    this.run = read.run;
    this.tables = read.tables;
    this.applyChunkMap(read.chunkMap);
    this.throughput = { bucketSeconds: read.timeline.bucketSeconds, buckets: read.timeline.buckets };
    // The status tables record every tune, from any host: they replace the marks pushed since the last read.
    this.tunings = [...read.timeline.tunings];
    this.memoryLimitMb = read.timeline.maxWorkerMemoryMb;
    this.raiseLoaded(read.run.rowsLoaded, read.timeline.buckets.reduce((n, b) => n + b.bytes, 0));
    if (!this.isPushed(now)) {
      const live = read.workers.filter((w) => w.status === 'running');
      if (live.length > 0) {
        const rss = Math.max(...live.map((w) => w.rssMb ?? 0));
        this.threadsEffective = live.reduce((n, w) => n + (w.threads ?? 0), 0);
        this.addMemory({ t: now, rssMb: rss, threads: this.threadsEffective });
      } else {
        this.threadsEffective = null;
      }
      this.addSample(now);
    }
  }

  applyProblem(message: string): void {
    this.problem = message;
  }

  applyProgress(p: ProgressSnapshot, now: number): void {
    this.lastPushAt = now;
    this.raiseLoaded(p.rowsLoaded, p.bytesLoaded);
    this.threadsEffective = p.threadsEffective;
    if (this.run) {
      this.run = { ...this.run, status: this.run.status === 'pending' ? 'in_progress' : this.run.status, rowsTotal: p.rowsTotal };
    }
    this.addMemory({ t: now, rssMb: p.rssMb, threads: p.threadsEffective });
    this.addSample(now);
  }

  applyChunk(e: ChunkEvent, now: number): void {
    this.lastPushAt = now;
    const index = this.indexOfChunk.get(e.chunkId);
    if (index === undefined) return; // cut again since the last read: the next read brings the new layout
    this.codes[index] = CHUNK_STATE_CODES[e.status];
    this.attempts[index] = e.attempts;
    if (e.status === 'in_progress') this.claimedAt.set(index, now);
    else {
      const claimed = this.claimedAt.get(index);
      if (claimed !== undefined) this.durationMs[index] = now - claimed;
      this.claimedAt.delete(index);
    }
    if (e.status === 'failed') {
      this.failed.set(e.chunkId, {
        chunkId: e.chunkId,
        tableOrdinal: e.tableOrdinal,
        attempts: e.attempts,
        error: e.error ?? 'failed',
        errorCode: e.errorCode ?? null,
      });
    } else this.failed.delete(e.chunkId);
  }

  applyTuned(e: TunedEvent): void {
    // The status tables record a tune only when it changes the tunables, so a read that landed
    // after the change already holds its mark: the event arriving later must not mark it twice.
    if (this.run && this.run.parallelThreads === e.threads && this.run.batchSize === e.batchSize) return;
    this.tunings.push({ t: Date.parse(e.at), threads: e.threads, batchSize: e.batchSize });
    if (this.run) this.run = { ...this.run, parallelThreads: e.threads, batchSize: e.batchSize };
  }

  applyMemory(e: MemoryEvent, now: number): void {
    this.lastPushAt = now;
    this.memoryLimitMb = e.limitMb;
    this.threadsEffective = e.threads;
    this.addMemory({ t: now, rssMb: e.rssMb, threads: e.threads });
  }

  chunkLayout(): ChunkLayout | undefined {
    return this.layout;
  }

  snapshot(now: number): PanelSnapshot | undefined {
    const run = this.run;
    const layout = this.layout;
    if (!run || !layout) return undefined;
    const chunks = Object.fromEntries(CHUNK_STATES.map((s) => [s, 0])) as Record<ChunkState, number>;
    for (const code of this.codes) chunks[chunkStateOfCode(code)]++;
    return {
      seq: ++this.seq,
      source: this.isPushed(now) ? 'worker' : 'statusTables',
      takenAt: now,
      run: {
        runId: run.runId,
        configPath: run.configPath ?? this.configPath,
        status: run.status,
        targetSchemas: run.targetSchemas,
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        threads: run.parallelThreads,
        threadsEffective: run.status === 'in_progress' ? this.threadsEffective : null,
        batchSize: run.batchSize,
        liveWorkers: run.liveWorkers,
        error: run.error,
      },
      totals: { rowsTotal: run.rowsTotal, rowsLoaded: this.rowsLoaded, bytesLoaded: this.bytesLoaded, chunksTotal: this.codes.length, chunks },
      samples: [...this.samples],
      tables: this.tables,
      chunkStates: { layoutKey: layout.key, codes: this.codes.join(''), attempts: [...this.attempts], durationMs: [...this.durationMs] },
      failed: [...this.failed.values()],
      throughput: this.throughput,
      tunings: [...this.tunings],
      memory: { limitMb: this.memoryLimitMb, samples: [...this.memory] },
      problem: this.problem,
    };
  }

  /** Rows loaded never go down: a resume, a replan or a late read cannot make progress reset. */
  private raiseLoaded(rows: number, bytes: number): void {
    this.rowsLoaded = Math.max(this.rowsLoaded, rows);
    this.bytesLoaded = Math.max(this.bytesLoaded, bytes);
  }

  private addSample(now: number): void {
    if (this.run?.status !== 'in_progress') return;
    const sample = { t: now, rows: this.rowsLoaded, bytes: this.bytesLoaded };
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.t < 1000 && this.samples.length > 1) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    while (this.samples.length > 2 && this.samples[0]!.t < now - SAMPLE_HISTORY_MS) this.samples.shift();
  }

  private addMemory(sample: MemorySample): void {
    this.memory.push(sample);
    if (this.memory.length > MEMORY_HISTORY) this.memory.splice(0, this.memory.length - MEMORY_HISTORY);
  }

  private applyChunkMap(map: ChunkMap): void {
    const key = layoutKeyOf(map);
    if (key !== this.layout?.key) {
      this.layout = {
        key,
        chunkIds: map.chunkIds,
        tableOrdinals: map.tableOrdinals,
        partitionIndex: map.partitionIndex,
        partitions: map.partitions.map((p) => ({ tableOrdinal: p.tableOrdinal, label: p.isNull ? 'NULL' : (p.value ?? 'all rows') })),
        splitLow: map.splitLow,
        splitHigh: map.splitHigh,
        splitIsNull: map.splitIsNull,
        rowsExpected: map.rowsExpected,
      };
      this.indexOfChunk = new Map(map.chunkIds.map((id, i) => [id, i]));
      this.claimedAt.clear();
    }
    this.codes = map.status.map((s) => CHUNK_STATE_CODES[s]);
    this.attempts = [...map.attempts];
    this.durationMs = map.durationMs.map((d) => d ?? -1);
    this.failed.clear();
    for (const e of map.errors) {
      if (map.status[e.index] !== 'failed') continue;
      const chunkId = map.chunkIds[e.index]!;
      this.failed.set(chunkId, { chunkId, tableOrdinal: map.tableOrdinals[e.index]!, attempts: map.attempts[e.index]!, error: e.message, errorCode: e.code });
    }
  }
}

/** Chunks are cut again only by a batch-size tune, which gives the re-cut ones new ids: the ids identify a layout. */
export function layoutKeyOf(map: ChunkMap): string {
  let h = 0x811c9dc5;
  for (const id of map.chunkIds) {
    h ^= id;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${map.runId}:${map.chunkIds.length}:${h.toString(36)}`;
}
