// `thaw verify` of the whole table, timed (after the full load with --verify, after the UPSERT
// run with --incremental).
import { openSession } from '../engine/session';
import { verifyTables } from '../engine/verify/verifyTables';

export interface VerifyFigures {
  rows: number;
  partitions: number;
  seconds: number;
  equal: boolean;
}

export async function benchVerify(configPath: string, say: (line: string) => void): Promise<VerifyFigures> {
  say('verify: the whole table ...');
  const session = await openSession(configPath);
  try {
    const started = performance.now();
    const verification = await verifyTables(session, {});
    const seconds = (performance.now() - started) / 1000;
    const table = verification.tables[0]!;
    return { rows: table.partitions.reduce((n, p) => n + p.sourceRows, 0), partitions: table.partitions.length, seconds: Math.round(seconds * 100) / 100, equal: verification.equal };
  } finally {
    await session.close();
  }
}

export function describeVerify(v: VerifyFigures): string {
  return `${v.rows.toLocaleString('en-US')} rows, ${v.partitions} partitions in ${v.seconds} s (${Math.round(v.rows / v.seconds).toLocaleString('en-US')} rows/s): ${v.equal ? 'equal' : 'NOT equal'}`;
}
