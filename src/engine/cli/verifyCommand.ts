// `thaw verify [--table T] [--repair]`: compares source and target per partition (in this
// process: two aggregate queries per table, no worker needed), prints and stores the result.
// With --repair, the mismatching partitions are reloaded by a run the engine worker executes like
// any other, then verified again. Exit 0 only when the copy is equal.
import { errorMessage } from '../errors';
import { EXIT_OK, EXIT_UNFINISHED, startupExitCode } from '../exitCodes';
import { openSession } from '../session';
import { startRepairRun } from '../verify/repair';
import { verifyTables, type Verification, type VerifyProgress } from '../verify/verifyTables';
import { formatCount } from './progressView';
import { followRun } from './runCommand';
import { Requests } from '../../protocol/engine';

export interface VerifyOptions {
  config: string;
  table?: string;
  repair?: boolean;
  json?: boolean;
}

function printVerification(v: Verification, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        event: 'verify/result',
        verifyId: v.verifyId,
        equal: v.equal,
        tables: v.tables.map((t) => ({
          sourceTable: t.table.source_table,
          target: t.table.name,
          partitions: t.partitions.length,
          mismatches: t.mismatches,
          checksumColumns: t.checksumColumns,
        })),
      })}\n`,
    );
    return;
  }
  const w = (line = '') => process.stdout.write(`${line}\n`);
  w(`verify ${v.verifyId}`);
  for (const t of v.tables) {
    const rows = t.partitions.reduce((n, p) => n + p.sourceRows, 0);
    w(`  ${t.table.source_table} -> ${t.table.name}: ${t.partitions.length} partition(s), ${formatCount(rows)} source rows: ${t.mismatches.length === 0 ? 'equal' : `${t.mismatches.length} partition(s) differ`}`);
    for (const p of t.mismatches) {
      const which = t.partitionColumn ? `${t.partitionColumn} ${p.partitionIsNull ? 'NULL' : p.partitionValue}` : 'the whole table';
      const why = p.sourceRows !== p.targetRows ? `source ${formatCount(p.sourceRows)} rows, target ${formatCount(p.targetRows)}` : `${formatCount(p.sourceRows)} rows on both sides, checksums differ`;
      w(`    ${which}: ${why}`);
    }
    if (t.table.verify_columns) w(`    checksum over ${t.checksumColumns.length} column(s) (verify.columns): ${t.checksumColumns.join(', ')}`);
  }
  w(v.equal ? 'equal' : 'NOT equal');
}

async function verifyOnce(o: VerifyOptions, repair: boolean): Promise<{ verification: Verification; repairRunId: string | null }> {
  const session = await openSession(o.config);
  try {
    // --json streams each range as it is measured: how far verify got, on which side.
    const onProgress = o.json ? (p: VerifyProgress) => process.stdout.write(`${JSON.stringify({ event: 'verify/progress', ...p })}\n`) : undefined;
    const verification = await verifyTables(session, { tables: o.table === undefined ? undefined : [o.table], onProgress });
    printVerification(verification, !!o.json);
    const repairRunId = repair && !verification.equal ? await startRepairRun(session, verification) : null;
    return { verification, repairRunId };
  } finally {
    await session.close();
  }
}

export async function runVerifyCommand(o: VerifyOptions): Promise<number> {
  try {
    const first = await verifyOnce(o, !!o.repair);
    if (!first.repairRunId) return first.verification.equal ? EXIT_OK : EXIT_UNFINISHED;
    if (!o.json) process.stdout.write(`repairing in run ${first.repairRunId}\n`);
    const repaired = await followRun(Requests.resume, { configPath: o.config, runId: first.repairRunId }, { json: !!o.json });
    if (repaired.exitCode !== EXIT_OK) return EXIT_UNFINISHED;
    const second = await verifyOnce(o, false);
    return second.verification.equal ? EXIT_OK : EXIT_UNFINISHED;
  } catch (err) {
    const code = startupExitCode(err);
    if (o.json) process.stdout.write(`${JSON.stringify({ event: 'error', message: errorMessage(err), exitCode: code })}\n`);
    else process.stderr.write(`thaw: ${errorMessage(err)}\n`);
    return code;
  }
}
