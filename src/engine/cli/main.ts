// The `thaw` command line (interface.md). Long commands run in the engine worker process;
// quick ones (status, stop, abandon, tune) talk to the status tables directly.
import { Command, InvalidArgumentError, Option } from 'commander';
import { Requests } from '../../protocol/engine';
import { EXIT_NOT_STARTED } from '../exitCodes';
import { registerEmulatorCommand } from '../../emulator/cli';
import { askWorker, DEFAULT_CONFIG, driveRun, reportFailure } from './runCommand';
import { printPlan } from './printPlan';
import { runControlCommand } from './controlCommands';
import { runVerifyCommand } from './verifyCommand';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const program = new Command()
  .name('thaw')
  .description('Move very large tables from Snowflake to PostgreSQL: resumable, exactly once.')
  .showHelpAfterError()
  .exitOverride((err) => {
    // Usage errors exit 2 (nothing started); help and version exit 0.
    process.exit(err.exitCode === 0 ? 0 : EXIT_NOT_STARTED);
  });

const configOption = () => new Option('--config <path>', 'the migration config').default(DEFAULT_CONFIG);
const runOption = () => new Option('--run <id>', 'the run (default: the newest unfinished run of this config)');
const jsonOption = () => new Option('--json', 'print events as JSON lines');

program
  .command('plan')
  .description('plan the migration (chunks, rows, type decisions, estimate) without moving data')
  .addOption(configOption())
  .addOption(jsonOption())
  .action(async (o: { config: string; json?: boolean }) => {
    try {
      const report = await askWorker(Requests.plan, { configPath: o.config });
      if (o.json) process.stdout.write(`${JSON.stringify({ event: 'run/planned', ...report })}\n`);
      else printPlan(report);
    } catch (err) {
      process.exitCode = reportFailure(err, { json: !!o.json });
    }
  });

program
  .command('start')
  .description('start a new run of the config and follow it to the end')
  .addOption(configOption())
  .option('--append', 'load into target tables that already hold rows')
  .option('--detach', 'start the run and return: `thaw worker` processes execute it')
  .addOption(jsonOption())
  .action(async (o: { config: string; append?: boolean; detach?: boolean; json?: boolean }) => {
    process.exitCode = await driveRun(Requests.start, { configPath: o.config, append: !!o.append, detach: !!o.detach }, { json: !!o.json });
  });

program
  .command('resume')
  .description('continue an unfinished run: completed chunks are skipped, failed ones retried')
  .addOption(configOption())
  .addOption(runOption())
  .addOption(jsonOption())
  .action(async (o: { config: string; run?: string; json?: boolean }) => {
    process.exitCode = await driveRun(Requests.resume, { configPath: o.config, runId: o.run }, { json: !!o.json });
  });

program
  .command('worker')
  .description('join a run in progress as one more worker (any machine that reaches both databases): claim chunks until none are left')
  .addOption(configOption())
  .addOption(runOption())
  .addOption(jsonOption())
  .action(async (o: { config: string; run?: string; json?: boolean }) => {
    process.exitCode = await driveRun(Requests.join, { configPath: o.config, runId: o.run }, { json: !!o.json });
  });

program
  .command('retry')
  .description('re-queue failed chunks (one chunk, one table, or all) and run them')
  .addOption(configOption())
  .addOption(runOption())
  .option('--chunk <id>', 'one chunk id', positiveInt)
  .option('--table <name>', 'the failed chunks of one source table')
  .option('--queue-only', 're-queue without running them here')
  .addOption(jsonOption())
  .action(async (o: { config: string; run?: string; chunk?: number; table?: string; queueOnly?: boolean; json?: boolean }) => {
    process.exitCode = await driveRun(
      Requests.retry,
      { configPath: o.config, runId: o.run, chunkId: o.chunk, table: o.table, queueOnly: !!o.queueOnly },
      { json: !!o.json },
    );
  });

// status, stop and abandon act on a run through the status tables, in this process.
for (const [kind, description] of [
  ['status', 'show a run: tables, chunks, rows, rate, workers'],
  ['stop', 'ask every worker of a run to finish its chunks in flight and stop'],
  ['abandon', 'close a run for good (its target tables keep what was loaded)'],
] as const) {
  program
    .command(kind)
    .description(description)
    .addOption(configOption())
    .addOption(runOption())
    .addOption(jsonOption())
    .action(async (o: { config: string; run?: string; json?: boolean }) => {
      process.exitCode = await runControlCommand(kind, o);
    });
}

program
  .command('tune')
  .description('change parallel threads and/or batch size of a run while it runs')
  .addOption(configOption())
  .addOption(runOption())
  .option('--threads <n>', 'parallel threads', positiveInt)
  .option('--batch-size <n>', 'rows per chunk for chunks not yet started', positiveInt)
  .addOption(jsonOption())
  .action(async (o: { config: string; run?: string; threads?: number; batchSize?: number; json?: boolean }) => {
    process.exitCode = await runControlCommand('tune', o);
  });

program
  .command('verify')
  .description('compare source and target per partition (row counts and checksums); exit 0 only when equal')
  .addOption(configOption())
  .option('--table <name>', 'one table (source or target name)')
  .option('--repair', 'reload the partitions that differ, then verify again')
  .addOption(jsonOption())
  .action(async (o: { config: string; table?: string; repair?: boolean; json?: boolean }) => {
    process.exitCode = await runVerifyCommand(o);
  });

registerEmulatorCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`thaw: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT_NOT_STARTED;
});
