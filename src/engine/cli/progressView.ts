// Live progress for a terminal: a bar on a TTY, a plain line every few seconds otherwise (CI logs).
import cliProgress from 'cli-progress';
import type { ProgressSnapshot } from '../../protocol/engine';

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function fields(p: ProgressSnapshot) {
  return {
    rows: formatCount(p.rowsLoaded),
    total_rows: formatCount(p.rowsTotal),
    rate: formatCount(p.rowsPerSecond),
    eta_text: formatDuration(p.etaSeconds),
    chunks: `${p.chunks.completed}/${p.chunksTotal}`,
    failed: p.chunks.failed,
    threads: p.threadsEffective === p.threadsDesired ? String(p.threadsEffective) : `${p.threadsEffective}/${p.threadsDesired}`,
    rss: p.rssMb,
  };
}

export interface ProgressView {
  update(p: ProgressSnapshot): void;
  /** Prints a message without tearing the bar. */
  log(line: string): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          '{bar} {percentage}% | {rows}/{total_rows} rows | {rate} rows/s | ETA {eta_text} | chunks {chunks} ({failed} failed) | threads {threads} | RSS {rss} MB',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 1,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(Math.max(p.rowsTotal, 1), p.rowsLoaded, fields(p));
          started = true;
        }
        bar.setTotal(Math.max(p.rowsTotal, 1));
        bar.update(p.rowsLoaded, fields(p));
      },
      log(line) {
        if (started) bar.stop();
        stream.write(`${line}\n`);
        started = false;
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let lastPrint = 0;
  let printedDone = false;
  return {
    update(p) {
      const now = Date.now();
      const done = p.rowsLoaded >= p.rowsTotal;
      if (done ? printedDone : now - lastPrint < 5000) return;
      lastPrint = now;
      printedDone = done;
      const f = fields(p);
      const pct = p.rowsTotal > 0 ? ((100 * p.rowsLoaded) / p.rowsTotal).toFixed(1) : '0.0';
      stream.write(
        `progress ${pct}% ${f.rows}/${f.total_rows} rows, ${f.rate} rows/s, ETA ${f.eta_text}, chunks ${f.chunks} (${f.failed} failed), threads ${f.threads}, RSS ${f.rss} MB\n`,
      );
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}
