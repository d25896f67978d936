// The emulator's clock: the wall clock plus an offset tests move forward, so "a day later" (a
// snapshot past its table's Time Travel retention) is testable without waiting a day. Every
// instant the emulator reasons with (CURRENT_TIMESTAMP, version stamps, AT(OFFSET), retention)
// comes from here. SQL sees the offset through the session variable CLOCK_VARIABLE, which the
// database sets on a pooled connection before using it (macro sf_now, macros.ts).

/** DuckDB session variable holding the offset in microseconds. */
export const CLOCK_VARIABLE = 'sf_clock_offset_us';

const wallMicros = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

export class EmulatorClock {
  private offset = 0n;

  /** Microseconds since the epoch (finer than the millisecond instants AT() is given). */
  nowMicros(): bigint {
    return wallMicros() + this.offset;
  }

  offsetMicros(): bigint {
    return this.offset;
  }

  /** Moves the clock forward (or back, with a negative value) by `seconds`. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new Error(`cannot move the clock by ${seconds} seconds`);
    this.offset += BigInt(Math.round(seconds * 1_000_000));
  }

  offsetSeconds(): number {
    return Number(this.offset) / 1_000_000;
  }
}
