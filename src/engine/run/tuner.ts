// Sets how many chunks this worker loads at once: the threads the user wants (the run's
// parallel_threads, re-read on each beat), lowered while memory nears max_worker_memory_mb.
import type { LimitFunction } from 'p-limit';
import { Events } from '../../protocol/engine';
import { MemoryGuard } from './memoryGuard';
import type { RunContext } from './runContext';

export class ThreadTuner {
  private readonly guard: MemoryGuard;
  /** What the user asked for, as of the last beat. */
  desired: number;

  constructor(
    private readonly ctx: RunContext,
    private readonly limit: LimitFunction,
  ) {
    const { config } = ctx.session;
    this.desired = config.parallel_threads;
    this.guard = new MemoryGuard(config.max_worker_memory_mb, config.parallel_threads);
  }

  get effective(): number {
    return this.limit.concurrency;
  }

  apply(rssMb: number, desired: number, nowMs: number): void {
    this.desired = desired;
    const limitMb = this.ctx.session.config.max_worker_memory_mb;
    const decision = this.guard.decide(rssMb, desired, nowMs);
    if (decision.threads !== this.limit.concurrency) this.limit.concurrency = decision.threads;
    if (!decision.action) return;
    this.ctx.emit(Events.workerMemory, { rssMb, limitMb, threads: decision.threads, action: decision.action });
    this.ctx.log('warn', `RSS ${rssMb} MB of ${limitMb} MB: threads ${decision.action} to ${decision.threads}`);
    if (decision.action === 'lowered') {
      this.ctx.emit(Events.workerStatus, {
        health: 'warning',
        runId: this.ctx.runId,
        pid: process.pid,
        message: `memory near its limit (${rssMb} of ${limitMb} MB): ${decision.threads} thread(s)`,
      });
    }
  }
}
