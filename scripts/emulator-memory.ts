// Measures the emulator's memory while it serves a multi-million-row result to the real driver.
// The emulator runs in a child process (through the `thaw emulator` command definition) so its
// RSS is its own; the parent streams the engine's chunk-query shape with statement.streamRows().
//
//   node --import tsx scripts/emulator-memory.ts [rows=3000000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import snowflake from 'snowflake-sdk';
import { registerEmulatorCommand } from '../src/emulator/cli';

if (process.argv[2] === 'serve') {
  const program = new Command('thaw');
  registerEmulatorCommand(program);
  await program.parseAsync(['node', 'thaw', 'emulator', ...process.argv.slice(3)]);
} else {
  await measure(Number(process.argv[2] ?? 3_000_000));
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The catalog's chunk query over the demo table: every column rendered into one COPY line. */
function chunkSql(): string {
  const e = (v: string) => `REPLACE(REPLACE(REPLACE(REPLACE(${v}, CHR(92), CHR(92) || CHR(92)), CHR(9), CHR(92) || 't'), CHR(10), CHR(92) || 'n'), CHR(13), CHR(92) || 'r')`;
  const render: Record<string, (c: string) => string> = {
    num: (c) => `TO_VARCHAR(${c})`,
    text: (c) => e(c),
    bool: (c) => `CASE ${c} WHEN TRUE THEN 't' WHEN FALSE THEN 'f' END`,
    date: (c) => `TO_VARCHAR(${c}, 'YYYY-MM-DD')`,
    time: (c) => `TO_VARCHAR(${c}, 'HH24:MI:SS.FF6')`,
    ntz: (c) => `TO_VARCHAR(${c}, 'YYYY-MM-DD HH24:MI:SS.FF6')`,
    tz: (c) => `TO_VARCHAR(${c}, 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM')`,
    json: (c) => e(`TO_JSON(${c})`),
    bin: (c) => `CHR(92) || CHR(92) || 'x' || HEX_ENCODE(${c})`,
  };
  const columns: Array<[string, keyof typeof render]> = [
    ['VISIT_ID', 'num'], ['VISIT_DATE', 'date'], ['ACCOUNT_ID', 'num'], ['REP_ID', 'num'], ['TERRITORY_CODE', 'text'], ['CHANNEL', 'text'],
    ['CALL_NOTES', 'text'], ['CALL_DURATION_SEC', 'num'], ['REVENUE', 'num'], ['COST', 'num'], ['EVENT_SEQUENCE', 'num'], ['SCORE', 'num'],
    ['IS_COMPLETED', 'bool'], ['IS_FOLLOWUP', 'bool'], ['VISIT_START_NTZ', 'ntz'], ['VISIT_END_NTZ', 'ntz'], ['VISIT_START_TZ', 'tz'],
    ['CREATED_AT_LTZ', 'tz'], ['SLOT_TIME', 'time'], ['ATTRIBUTES', 'json'], ['PRODUCT_CODES', 'json'], ['LOCATION', 'json'],
    ['SIGNATURE', 'bin'], ['PRIORITY', 'num'], ['REGION_CODE', 'text'], ['UPDATED_AT', 'ntz'],
  ];
  const row = columns.map(([c, kind]) => `COALESCE(${render[kind]!(`"${c}"`)}, CHR(92) || 'N')`).join(' || CHR(9) || ');
  return `SELECT ${row} AS "ROW" FROM "DEMO"."PUBLIC"."FACTVISITCALLPERFORMANCE_CR" WHERE "VISIT_ID" IS NOT NULL`;
}

async function measure(rows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-emulator-memory-'));
  snowflake.configure({ logLevel: 'ERROR', logFilePath: join(dir, 'snowflake.log') });
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'serve', '--port', '0', '--duckdb', join(dir, 'demo.duckdb'), '--demo-rows', String(rows), '--spool-dir', join(dir, 'spool')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const url = /^listening on (http:\/\/\S+)$/.exec(firstLine)?.[1];
  if (!url) throw new Error(`unexpected first line: ${firstLine}`);
  const seeded = rssMb(child.pid!);
  console.log(`seeded ${rows} demo rows in ${((Date.now() - started) / 1000).toFixed(1)} s; emulator RSS ${seeded.toFixed(0)} MB`);

  let peak = seeded;
  let clientPeak = process.memoryUsage().rss / 2 ** 20;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(child.pid!));
    clientPeak = Math.max(clientPeak, process.memoryUsage().rss / 2 ** 20);
  }, 100);

  const conn = snowflake.createConnection({ accessUrl: url, account: 'emu', username: 'u', password: 'p' });
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  const queryStart = Date.now();
  let count = 0;
  let bytes = 0;
  let firstRowMs = 0;
  await new Promise<void>((resolve, reject) =>
    conn.execute({
      sqlText: chunkSql(),
      streamResult: true,
      complete: (err, stmt) => {
        if (err) return reject(err);
        firstRowMs = Date.now() - queryStart;
        stmt
          .streamRows()
          .on('data', (row: { ROW: string }) => {
            count++;
            bytes += row.ROW.length;
          })
          .on('error', reject)
          .on('end', () => resolve());
      },
    }),
  );
  clearInterval(sampler);
  const seconds = (Date.now() - queryStart) / 1000;
  console.log(`streamed ${count} rows (${(bytes / 2 ** 20).toFixed(0)} MB of COPY text) in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} rows/s; result ready after ${(firstRowMs / 1000).toFixed(1)} s)`);
  console.log(`emulator RSS: ${seeded.toFixed(0)} MB after seeding, peak ${peak.toFixed(0)} MB while serving (+${(peak - seeded).toFixed(0)} MB)`);
  console.log(`driver process RSS peak: ${clientPeak.toFixed(0)} MB`);
  await new Promise<void>((resolve) => conn.destroy(() => resolve()));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
