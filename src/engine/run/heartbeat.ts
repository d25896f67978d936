// The worker's beat, once per tick: renews its heartbeat and its chunks', learns the run's
// tunables and stop flag, hands back chunks whose claim answer was lost, and every few beats
// takes back the chunks of dead workers. Each chunk it changes is announced.
import { Events } from '../../protocol/engine';
import { heartbeatWorker, reclaimDeadWorkers, releaseOrphanedChunks, type ChangedChunk } from '../state';
import type { RunContext } from './runContext';

export interface Beat {
  /** The run asks this worker to stop claiming (stop requested, abandoned, or declared dead). */
  stop: boolean;
  /** Threads the user wants per worker now. */
  parallelThreads: number;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Heartbeat {
  private lastReclaim = 0;

  constructor(
    private readonly ctx: RunContext,
    /** Dead workers are looked for every this many milliseconds. */
    private readonly reclaimEveryMs: number,
  ) {}

  async beat(state: { rssMb: number; threads: number; heldChunkIds: number[] }): Promise<Beat> {
    const { ctx } = this;
    const { pool, statusSchema: schema, config } = ctx.session;
    const reply = await heartbeatWorker(pool, schema, { workerId: ctx.workerId, runId: ctx.runId, rssMb: state.rssMb, threads: state.threads });
    if (!reply.alive) ctx.log('error', 'another worker declared this one dead (heartbeat too late) and took its chunks back; stopping');
    const orphans = await releaseOrphanedChunks(pool, schema, ctx.runId, ctx.workerId, state.heldChunkIds);
    if (orphans.length > 0) {
      ctx.log('warn', `handed back chunk(s) ${orphans.map((c) => c.chunkId).join(', ')}: their claim's answer was lost with the connection`);
      this.announce(orphans);
    }
    const now = Date.now();
    if (now - this.lastReclaim >= this.reclaimEveryMs) {
      this.lastReclaim = now;
      const reclaimed = await reclaimDeadWorkers(pool, schema, {
        runId: ctx.runId,
        heartbeatTimeoutMs: config.worker_heartbeat_timeout_seconds * 1000,
        host: ctx.host,
        pidNamespace: ctx.pidNamespace,
        isPidAlive,
        maxAttempts: ctx.policy.maxAttempts,
      });
      if (reclaimed.deadWorkers.length > 0) {
        ctx.log(
          'warn',
          `took back ${reclaimed.requeued} chunk(s) of dead worker(s) ${reclaimed.deadWorkers.join(', ')}${reclaimed.failed ? `; ${reclaimed.failed} had no attempt left and failed` : ''}`,
        );
      }
      this.announce(reclaimed.chunks);
    }
    return { stop: !reply.alive || reply.stopRequested || reply.runStatus === 'abandoned', parallelThreads: reply.parallelThreads };
  }

  private announce(chunks: ChangedChunk[]): void {
    for (const c of chunks) {
      this.ctx.emit(Events.chunkStateChanged, {
        runId: this.ctx.runId,
        tableOrdinal: c.tableOrdinal,
        chunkId: c.chunkId,
        status: c.status,
        attempts: c.attempts,
        ...(c.error ? { error: c.error } : {}),
      });
    }
  }
}
