// `thaw verify` of the whole table, timed: after the full load (--verify; with --skip-path-runs,
// after one load alone) and after the UPSERT run (--incremental). With --verify, each side is also
// measured alone at 1 and more connections, with its database's CPU per row: the figures the
// README's estimate for 272M rows is worked out from.
import { openSession, type Session } from '../engine/session';
import { measureSource, measureTarget } from '../engine/verify/measure';
import { tableSides, verifyTables } from '../engine/verify/verifyTables';
import type { PostgresCpu } from './postgresCpu';

export interface VerifyFigures {
  rows: number;
  partitions: number;
  seconds: number;
  equal: boolean;
}

/** One side measured alone: wall time and the CPU its database spent per row. */
export interface SideFigures {
  side: 'source' | 'target';
  connections: number;
  seconds: number;
  rowsPerSecond: number;
  /** CPU of the side's database per row: PostgreSQL's backends, or the emulator's process. */
  cpuMicrosPerRow: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

export async function benchVerify(configPath: string, say: (line: string) => void): Promise<VerifyFigures> {
  say('verify: the whole table ...');
  const session = await openSession(configPath);
  try {
    const started = performance.now();
    const verification = await verifyTables(session, {});
    const seconds = (performance.now() - started) / 1000;
    const table = verification.tables[0]!;
    return { rows: table.partitions.reduce((n, p) => n + p.sourceRows, 0), partitions: table.partitions.length, seconds: round(seconds), equal: verification.equal };
  } finally {
    await session.close();
  }
}

/** This process's CPU: the emulator's, which runs here (the driver's share is small: one row per partition value comes back). */
function processCpuMicros(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

async function timeSide(session: Session, side: 'source' | 'target', connections: number, pgCpu: PostgresCpu): Promise<SideFigures> {
  const sides = await tableSides(session, session.config.tables[0]!);
  const cpu = side === 'source' ? async () => processCpuMicros() : () => pgCpu.micros();
  const cpuBefore = await cpu();
  const started = performance.now();
  const measures =
    side === 'source'
      ? await measureSource(session, sides.sourceTable, sides.sourceColumns, sides.sourcePartition, sides.snapshot, { threads: connections })
      : await measureTarget(session.pool, session.statusSchema, sides.target, sides.targetColumns, sides.targetPartition, { threads: connections });
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = (await cpu()) - cpuBefore;
  const rows = measures.reduce((n, m) => n + m.rows, 0);
  return { side, connections, seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds), cpuMicrosPerRow: round(cpuMicros / rows) };
}

/** Each side alone, at each number of connections. */
export async function benchVerifySides(configPath: string, connections: readonly number[], pgCpu: PostgresCpu, say: (line: string) => void): Promise<SideFigures[]> {
  const session = await openSession(configPath);
  try {
    const figures: SideFigures[] = [];
    for (const side of ['target', 'source'] as const) {
      for (const n of connections) {
        say(`verify: the ${side} side alone, ${n} connection(s) ...`);
        figures.push(await timeSide(session, side, n, pgCpu));
      }
    }
    return figures;
  } finally {
    await session.close();
  }
}

export function describeVerify(v: VerifyFigures): string {
  return `${v.rows.toLocaleString('en-US')} rows, ${v.partitions} partitions in ${v.seconds} s (${Math.round(v.rows / v.seconds).toLocaleString('en-US')} rows/s): ${v.equal ? 'equal' : 'NOT equal'}`;
}

export function describeSide(s: SideFigures): string {
  return `${s.side}, ${s.connections} connection(s): ${s.seconds} s, ${s.rowsPerSecond.toLocaleString('en-US')} rows/s, ${s.cpuMicrosPerRow} µs CPU/row`;
}
