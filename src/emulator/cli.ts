// `thaw emulator`: starts the emulator, prints `listening on <url>` first, runs until SIGINT/SIGTERM.
// The emulator (DuckDB, a native module) is imported only when this command runs: every other
// `thaw` command starts without loading it.
import { Option, type Command } from 'commander';
import type { FailureKind, FaultSettings } from './faults';

export interface EmulatorCommandOptions {
  port: number;
  duckdb?: string;
  demoRows?: number;
  spoolDir?: string;
  chunkFailRate?: number;
  queryFailRate?: number;
  queryFailKind?: FailureKind;
  dropRate?: number;
  delayMs?: number;
  stallRate?: number;
  stallMs?: number;
  failQueries?: string;
  failCount?: number;
  failKind?: FailureKind;
}

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

function fraction(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0 && n <= 1)) throw new Error(`${name} must be between 0 and 1, got "${value}"`);
    return n;
  };
}

/** Adds `emulator` to a commander 14 program. */
export function registerEmulatorCommand(program: Command): Command {
  return program
    .command('emulator')
    .description('run a local Snowflake-protocol emulator backed by DuckDB')
    .addOption(new Option('--port <port>', 'port on 127.0.0.1 (0 = a free one)').argParser(integer('--port')).default(0))
    .option('--duckdb <file>', 'DuckDB database file (default: in memory)')
    .addOption(new Option('--demo-rows <n>', `seed PUBLIC.FACTVISITCALLPERFORMANCE_CR with n rows`).argParser(integer('--demo-rows')))
    .option('--spool-dir <dir>', 'directory for result chunk files (default: a temp directory)')
    .addOption(new Option('--chunk-fail-rate <fraction>', 'fail this fraction of chunk downloads (HTTP 503)').argParser(fraction('--chunk-fail-rate')))
    .addOption(new Option('--query-fail-rate <fraction>', 'fail this fraction of queries').argParser(fraction('--query-fail-rate')))
    .addOption(new Option('--query-fail-kind <kind>', 'how --query-fail-rate fails').choices(['http', 'sql']))
    .addOption(new Option('--drop-rate <fraction>', 'drop the connection of this fraction of requests').argParser(fraction('--drop-rate')))
    .addOption(new Option('--delay-ms <ms>', 'delay every response').argParser(integer('--delay-ms')))
    .addOption(new Option('--stall-rate <fraction>', 'hold this fraction of requests for --stall-ms').argParser(fraction('--stall-rate')))
    .addOption(new Option('--stall-ms <ms>', 'how long a stalled request is held').argParser(integer('--stall-ms')))
    .option('--fail-queries <regex>', 'fail the next --fail-count queries whose "<sql> -- binds: <json>" matches')
    .addOption(new Option('--fail-count <n>', 'how many matching queries fail').argParser(integer('--fail-count')).default(1))
    .addOption(new Option('--fail-kind <kind>', 'how matching queries fail').choices(['http', 'sql']).default('sql'))
    .action(async (options: EmulatorCommandOptions) => {
      await runEmulatorCommand(options);
    });
}

export function faultsFromOptions(options: EmulatorCommandOptions): Partial<FaultSettings> {
  const faults: Partial<FaultSettings> = {};
  if (options.chunkFailRate !== undefined) faults.chunkFailRate = options.chunkFailRate;
  if (options.queryFailRate !== undefined) faults.queryFailRate = options.queryFailRate;
  if (options.queryFailKind !== undefined) faults.queryFailKind = options.queryFailKind;
  if (options.dropRate !== undefined) faults.dropRate = options.dropRate;
  if (options.delayMs !== undefined) faults.delayMs = options.delayMs;
  if (options.stallRate !== undefined) faults.stallRate = options.stallRate;
  if (options.stallMs !== undefined) faults.stallMs = options.stallMs;
  if (options.failQueries !== undefined) faults.failQueries = [{ pattern: options.failQueries, count: options.failCount ?? 1, kind: options.failKind ?? 'sql' }];
  return faults;
}

/** Starts the emulator and resolves when it has stopped after SIGINT or SIGTERM. */
export async function runEmulatorCommand(options: EmulatorCommandOptions): Promise<void> {
  const { startEmulator } = await import('./index');
  const emulator = await startEmulator({
    port: options.port,
    duckdbPath: options.duckdb,
    demoRows: options.demoRows,
    spoolDir: options.spoolDir,
    faults: faultsFromOptions(options),
  });
  process.stdout.write(`listening on ${emulator.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
