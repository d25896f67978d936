// One chaos iteration: a freshly generated source (the demo fact table with its edge values, and
// the edge-case table), a migration started with the real CLI, faults injected at random points of
// its progress, then the run finished with `thaw resume` and the target compared with the source
// value for value.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { compareTables, type CompareColumn } from '../../test/support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../../test/support/demoColumns';
import { createEdgeCasesTable, EDGE_COLUMNS } from '../../test/support/edgeCases';
import { stageFilesIn } from '../../test/support/stageFiles';
import type { LocalPostgres } from '../demo/localPostgres';
import { startEmulator, type Emulator } from '../emulator';
import { calmFaults, FAULT_KINDS, injectFault, NEEDS_LIVE_PROCESS, type FaultKind, type FaultScene } from './faults';
import { RunProcesses } from './processes';
import { Random } from './random';

export interface ChaosWorld {
  postgres: LocalPostgres;
  database: string;
  dir: string;
  /** Upper bound of the generated fact table's rows. */
  maxRows: number;
  /** Whether an iteration may partition the fact table by date (about 200 chunks whatever its size). */
  mayPartition: boolean;
  /** The command a process joining a running run is started with (`resume` or `worker`). */
  joinCommand: 'resume' | 'worker';
  say(line: string): void;
  /** Told the processes of each iteration as it starts: an interrupted chaos run kills them. */
  running(processes: RunProcesses): void;
}

export interface IterationResult {
  faults: FaultKind[];
  /** Resumes started because every process of the run was gone, before the final one. */
  recoveries: number;
  /**
   * The run completed before the final kill could land (a worker left running finished it): no
   * final resume then. Not a problem: the faults struck and the rows are still compared.
   */
  completedBeforeFinalKill: boolean;
  rowsCompared: number;
  mismatches: number;
  /** What went wrong other than rows: a run that could not be resumed, a chunk not completed. */
  problems: string[];
}

const STATUS = 'migration_status';
const SF_PASSWORD = 'THAW_CHAOS_SF_PASSWORD';
const PG_PASSWORD = 'THAW_CHAOS_PG_PASSWORD';

interface ComparedTable {
  source: string;
  target: string;
  columns: CompareColumn[];
}

const EXTRACT_PATHS = [
  { extract_mode: 'query', unload_compression: 'gzip' },
  { extract_mode: 'unload', unload_compression: 'gzip' },
  { extract_mode: 'unload', unload_compression: 'none' },
] as const;

export async function runIteration(world: ChaosWorld, index: number, seed: number): Promise<IterationResult> {
  const random = new Random(seed);
  const rows = random.int(Math.ceil(world.maxRows / 3), world.maxRows);
  const threads = random.int(1, 4);
  const batchSize = Math.max(10, Math.ceil(rows / random.int(15, 40)));
  const partitioned = world.mayPartition && random.int(0, 1) === 1;
  const calm = { delayMs: random.int(10, 40) };
  // Both ways out of Snowflake: a streaming query, or COPY INTO a stage and downloads, gzipped or
  // not. One draw, so that the rest of a seed's schedule is what it was with two choices.
  const path = random.pick(EXTRACT_PATHS);
  const schema = `chaos_${index}`;
  const spoolDir = join(world.dir, `emulator-${index}`);
  const emulator = await startEmulator({ port: 0, demoRows: rows, chunkBytes: 64 << 10, inlineBytes: 16 << 10, faults: calm, spoolDir });
  const pool = new pg.Pool({ host: world.postgres.host, port: world.postgres.port, user: world.postgres.user, password: world.postgres.password, database: world.database, max: 2 });
  // A PostgreSQL restart cuts the pool's idle connections; the next query opens new ones.
  pool.on('error', () => undefined);
  const processes = new RunProcesses({ [SF_PASSWORD]: 'chaos', [PG_PASSWORD]: world.postgres.password });
  world.running(processes);
  try {
    await createEdgeCasesTable(emulator);
    const tables: ComparedTable[] = [
      { source: DEMO_TABLE_SPEC.source_table, target: DEMO_TABLE_SPEC.source_table.toLowerCase(), columns: DEMO_COLUMNS },
      { source: 'EDGE_CASES', target: 'edge_cases', columns: EDGE_COLUMNS },
    ];
    const configPath = await writeConfig(world, emulator, { index, schema, threads, batchSize, partitioned, path });
    const plannedFaults = Array.from({ length: random.int(2, 5) }, () => random.pick(FAULT_KINDS));
    // Where in the run (fraction of chunks completed) each fault strikes; every iteration ends with
    // every process killed, so that `thaw resume` is what finishes it.
    const moments = plannedFaults.map(() => random.between(0, 0.7)).sort((a, b) => a - b);
    const faults: Array<{ kind: FaultKind; at: number }> = [...plannedFaults.map((kind, i) => ({ kind, at: moments[i]! })), { kind: 'kill-all', at: random.between(moments.at(-1)!, 0.8) }];
    world.say(`iteration ${index} (seed ${seed}): ${rows.toLocaleString('en-US')} + 6 edge rows, ${partitioned ? 'partitioned by date' : 'not partitioned'}, batch ${batchSize}, ${threads} threads, extract_mode ${path.extract_mode}${path.extract_mode === 'unload' ? `, unload_compression ${path.unload_compression}` : ''}, ${calm.delayMs} ms per emulator answer`);

    const started = Date.now();
    const log = (line: string) => world.say(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);
    const start = processes.launch('start', ['start', '--config', configPath, '--json']);
    const runId = String((await start.cli.waitForEvent((e) => e.event === 'run/started')).runId);
    const joinArgs = world.joinCommand === 'worker' ? ['worker', '--run', runId, '--config', configPath, '--json'] : ['resume', '--run', runId, '--config', configPath, '--json'];
    const resumeArgs = ['resume', '--run', runId, '--config', configPath, '--json'];
    const scene: FaultScene = { processes, postgres: world.postgres, emulator, random, joinArgs, calm, windows: [] };
    const progress = () => runProgress(pool, runId);

    let recoveries = 0;
    const recoverIfAllGone = () => {
      if (processes.live().length > 0) return;
      recoveries++;
      const resumed = processes.launch('resume', resumeArgs);
      log(`every process of the run is gone: ${resumed.label} started (thaw resume)`);
    };
    const fired: FaultKind[] = [];
    const problems: string[] = [];
    for (const fault of faults) {
      if ((await waitForProgress(progress, fault.at, recoverIfAllGone)) === 'completed') break;
      // Progress is seen when a chunk commits: a little more wait lands the fault anywhere in a
      // chunk's life (not before the final kill, which must come before the run completes).
      if (fault !== faults.at(-1)) await new Promise((r) => setTimeout(r, random.int(0, 400)));
      if (NEEDS_LIVE_PROCESS.has(fault.kind)) recoverIfAllGone();
      const { completed, total } = await progress().catch(() => ({ completed: NaN, total: NaN }));
      log(`${fault.kind.padEnd(20)} at ${completed}/${total} chunks: ${await injectFault(fault.kind, scene)}`);
      fired.push(fault.kind);
    }
    await processes.killAll();
    for (const timer of scene.windows) clearTimeout(timer);
    emulator.setFaults(calmFaults({ delayMs: 0 }));

    const before = await runStatus(pool, runId);
    if (before === 'completed') {
      log('the run completed before the final kill: nothing left for thaw resume');
    } else {
      const resumed = await processes.launch('resume', resumeArgs).cli.done;
      const finished = resumed.events.find((e) => e.event === 'run/finished');
      log(`final thaw resume (run was ${before}): exit ${resumed.code}, run ${String(finished?.status ?? 'not finished')}`);
      if (resumed.code !== 0 || finished?.status !== 'completed') problems.push(`thaw resume could not finish run ${runId} (exit ${resumed.code}): ${resumed.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }

    problems.push(...(await chunkProblems(pool, runId)));
    const staged = await stageFilesIn(spoolDir);
    if (staged.length > 0) problems.push(`${staged.length} stage file(s) left after the run completed, e.g. ${staged[0]}`);
    let rowsCompared = 0;
    let mismatches = 0;
    const sides = { emulator, query: async (sql: string) => (await pool.query(sql)).rows as Record<string, unknown>[] };
    for (const t of tables) {
      const c = await compareTables(sides, { schema: 'main', table: t.source }, { schema, table: t.target }, t.columns);
      rowsCompared += c.sourceRows;
      mismatches += c.missing + c.extra;
      if (c.missing + c.extra > 0) {
        log(`${t.target}: ${c.missing} source row(s) missing or changed, ${c.extra} target row(s) extra or changed (source ${c.sourceRows} rows, target ${c.targetRows})`);
        for (const row of c.examples.missing) log(`  missing: ${row.slice(0, 300)}`);
        for (const row of c.examples.extra) log(`  extra:   ${row.slice(0, 300)}`);
      }
    }
    for (const problem of problems) log(`PROBLEM: ${problem}`);
    log(`compared ${rowsCompared.toLocaleString('en-US')} rows: ${mismatches} mismatches; ${recoveries} recovery resume(s)`);
    if (mismatches === 0 && problems.length === 0) await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    return { faults: fired, recoveries, completedBeforeFinalKill: before === 'completed', rowsCompared, mismatches, problems };
  } finally {
    await processes.killAll();
    await pool.end();
    await emulator.close();
  }
}

async function writeConfig(
  world: ChaosWorld,
  emulator: Emulator,
  o: { index: number; schema: string; threads: number; batchSize: number; partitioned: boolean; path: (typeof EXTRACT_PATHS)[number] },
): Promise<string> {
  const config = {
    source: { account: 'chaos', username: 'LOADER', warehouse: 'WH', database: 'ANALYTICS', schema: 'PUBLIC', password: `\${env:${SF_PASSWORD}}`, access_url: emulator.url },
    target: { host: world.postgres.host, port: world.postgres.port, database: world.database, user: world.postgres.user, password: `\${env:${PG_PASSWORD}}`, ssl: 'disable' },
    parallel_threads: o.threads,
    batch_size: o.batchSize,
    ...o.path,
    retry_delay_seconds: 0.2,
    worker_heartbeat_timeout_seconds: 5,
    tables: [
      { ...DEMO_TABLE_SPEC, target_schema: o.schema, partition_column: o.partitioned ? DEMO_TABLE_SPEC.partition_column : undefined },
      { source_table: 'EDGE_CASES', target_schema: o.schema, split_column: 'ID', primary_key: ['ID'] },
    ],
  };
  const path = join(world.dir, `chaos-${o.index}.json`);
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

async function runProgress(pool: pg.Pool, runId: string): Promise<{ completed: number; total: number; status: string }> {
  const { rows } = await pool.query<{ completed: string; total: string; status: string }>(
    `SELECT coalesce(sum(t.completed_chunks), 0) AS completed, coalesce(sum(t.total_chunks), 0) AS total, r.status
     FROM ${STATUS}.migration_runs r LEFT JOIN ${STATUS}.migration_table_status t ON t.run_id = r.run_id
     WHERE r.run_id = $1 GROUP BY r.status`,
    [runId],
  );
  const row = rows[0]!;
  return { completed: Number(row.completed), total: Number(row.total), status: row.status };
}

async function runStatus(pool: pg.Pool, runId: string): Promise<string> {
  return (await pool.query<{ status: string }>(`SELECT status FROM ${STATUS}.migration_runs WHERE run_id = $1`, [runId])).rows[0]!.status;
}

/**
 * Waits until the run has completed `fraction` of its chunks. `idle` is called on every look,
 * so that a run whose processes all died gets one started. Reads that fail (PostgreSQL restarting)
 * are tried again.
 */
async function waitForProgress(progress: () => Promise<{ completed: number; total: number; status: string }>, fraction: number, idle: () => void): Promise<'reached' | 'completed'> {
  const until = Date.now() + 180_000;
  for (;;) {
    const p = await progress().catch(() => undefined);
    if (p?.status === 'completed') return 'completed';
    if (p && p.total > 0 && p.completed >= fraction * p.total) return 'reached';
    if (Date.now() > until) throw new Error(`the run made no progress to ${Math.round(fraction * 100)}% of its chunks in 3 minutes`);
    idle();
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every chunk completed, each with exactly its planned rows. */
async function chunkProblems(pool: pg.Pool, runId: string): Promise<string[]> {
  const { rows } = await pool.query<{ chunks: string; completed: string; expected: string; loaded: string }>(
    `SELECT count(*) AS chunks, count(*) FILTER (WHERE status = 'completed') AS completed,
            coalesce(sum(rows_expected), 0) AS expected, coalesce(sum(rows_loaded) FILTER (WHERE status = 'completed'), 0) AS loaded
     FROM ${STATUS}.migration_chunk_status WHERE run_id = $1`,
    [runId],
  );
  const c = rows[0]!;
  const problems: string[] = [];
  if (c.completed !== c.chunks) problems.push(`${c.completed} of ${c.chunks} chunks completed`);
  if (c.loaded !== c.expected) problems.push(`chunks loaded ${c.loaded} rows, planned ${c.expected}`);
  return problems;
}
