// Keeps a worker under max_worker_memory_mb: the seed's job died of OOM when 15 threads each held
// ~300 MB. Concurrency drops one step when RSS nears the limit and climbs back slowly once there
// is room again, never above what the user asked for.

export interface MemoryDecision {
  threads: number;
  action?: 'lowered' | 'raised';
}

export class MemoryGuard {
  private allowed: number;
  private lastChange = 0;

  constructor(
    private readonly limitMb: number,
    initialThreads: number,
    /** Fractions of the limit: lower above `high`, raise below `low`. */
    private readonly high = 0.85,
    private readonly low = 0.6,
    private readonly raiseAfterMs = 10_000,
  ) {
    this.allowed = initialThreads;
  }

  /** Call once per tick with the current RSS and the threads the user wants. */
  decide(rssMb: number, desiredThreads: number, nowMs: number): MemoryDecision {
    if (rssMb >= this.limitMb * this.high && this.allowed > 1) {
      this.allowed = Math.max(1, Math.min(this.allowed, desiredThreads) - 1);
      this.lastChange = nowMs;
      return { threads: this.allowed, action: 'lowered' };
    }
    if (this.allowed > desiredThreads) {
      this.allowed = desiredThreads;
      return { threads: this.allowed };
    }
    if (this.allowed < desiredThreads && rssMb < this.limitMb * this.low && nowMs - this.lastChange >= this.raiseAfterMs) {
      this.allowed += 1;
      this.lastChange = nowMs;
      return { threads: this.allowed, action: 'raised' };
    }
    return { threads: this.allowed };
  }
}

export function currentRssMb(): number {
  return Math.round(process.memoryUsage.rss() / (1024 * 1024));
}
