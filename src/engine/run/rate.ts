// Rows per second over a sliding window, and the ETA it implies.

export class RateWindow {
  private samples: Array<{ at: number; rows: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  add(atMs: number, cumulativeRows: number): void {
    this.samples.push({ at: atMs, rows: cumulativeRows });
    while (this.samples.length > 2 && this.samples[0]!.at < atMs - this.windowMs) this.samples.shift();
  }

  rowsPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.rows - first.rows) * 1000) / (last.at - first.at);
  }

  etaSeconds(rowsLeft: number): number | null {
    const rate = this.rowsPerSecond();
    if (rowsLeft <= 0) return 0;
    return rate > 0 ? Math.ceil(rowsLeft / rate) : null;
  }
}
