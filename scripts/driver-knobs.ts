// Measures the query path's driver knobs (rowStreamHighWaterMark, resultPrefetch) instead of
// guessing them: the emulator serves the demo table from a child process, and this process streams
// it as the engine does (streamChunk, `threads` chunks at a time) into nothing, once per setting,
// printing rows/s, this process's CPU per row and its peak RSS.
//
//   node [V8 flags] --import tsx scripts/driver-knobs.ts [rows=300000] [threads=4] [hwm:prefetch,…]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import pLimit from 'p-limit';
import { Secret } from '../src/engine/config/secret';
import { findColumn, openSource, readColumns, streamChunk } from '../src/engine/source';
import { registerEmulatorCommand } from '../src/emulator/cli';

if (process.argv[2] === 'serve') {
  const program = new Command('thaw');
  registerEmulatorCommand(program);
  await program.parseAsync(['node', 'thaw', 'emulator', ...process.argv.slice(3)]);
} else {
  await measure(Number(process.argv[2] ?? 300_000), Number(process.argv[3] ?? 4), knobSettings(process.argv[4]));
}

/** `64:1,256:1` → [[64, 1], [256, 1]]; by default the settings worth comparing. */
function knobSettings(arg: string | undefined): Array<readonly [number, number]> {
  if (!arg) return [[10, 2], [64, 1], [64, 2], [256, 1], [256, 2], [1024, 1]];
  return arg.split(',').map((pair) => {
    const [highWaterMark, prefetch] = pair.split(':').map(Number);
    return [highWaterMark!, prefetch!] as const;
  });
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB`;
}

async function measure(rows: number, threads: number, settings: ReadonlyArray<readonly [number, number]>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-driver-knobs-'));
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'serve', '--port', '0', '--duckdb', join(dir, 'demo.duckdb'), '--demo-rows', String(rows), '--spool-dir', join(dir, 'spool')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const url = /^listening on (http:\/\/\S+)$/.exec(firstLine)?.[1];
    if (!url) throw new Error(`unexpected first line: ${firstLine}`);
    console.log('| rowStreamHighWaterMark | resultPrefetch | rows/s | driver process µs/row | peak RSS | heap used, external at that peak |');
    console.log('|---|---|---|---|---|---|');
    for (const [highWaterMark, prefetch] of settings) {
      const source = await openSource(
        { account: 'emu', username: 'U', warehouse: 'WH', database: 'DEMO', schema: 'PUBLIC', role: undefined, access_url: url, auth: { method: 'password', password: new Secret('pw', 'P') } },
        { logDir: dir, rowStreamHighWaterMark: highWaterMark, resultPrefetch: prefetch },
      );
      const table = { database: 'DEMO', schema: 'PUBLIC', table: 'FACTVISITCALLPERFORMANCE_CR' };
      const columns = await readColumns(source, table);
      const split = findColumn(columns, 'VISIT_ID', 'split_column', table);
      const step = Math.ceil(rows / (threads * 4));
      const ranges = Array.from({ length: threads * 4 }, (_, i) => ({
        partitionIsNull: false, partitionValue: null, splitIsNull: false,
        splitLow: i === 0 ? null : String(i * step), splitHigh: i === threads * 4 - 1 ? null : String((i + 1) * step), rows: step,
      }));
      let peak = process.memoryUsage();
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        if (now.rss > peak.rss) peak = now;
      }, 50);
      const cpu = process.cpuUsage();
      const started = performance.now();
      let streamed = 0;
      const limit = pLimit(threads);
      await Promise.all(
        ranges.map((range) =>
          limit(async () => {
            const lines = streamChunk(source, { table, columns, split, range });
            await pipeline(lines, new Writable({ write: (_c, _e, done) => done() }));
            streamed += lines.rows;
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      clearInterval(sampler);
      console.log(`| ${highWaterMark} | ${prefetch} | ${Math.round(streamed / seconds)} | ${((used.user + used.system) / streamed).toFixed(2)} | ${mb(peak.rss)} | ${mb(peak.heapUsed)}, ${mb(peak.external)} |`);
      await source.close();
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
