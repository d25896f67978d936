// `npm run bench`: on one generated fact table (chunked by VISIT_ID alone, see setConfig), in one
// run, measures Thaw's two extract paths
// against the raw COPY rate of the same rows with the same parallelism:
//   - the query path, the unload path with the emulator unloading during the run, and the unload
//     path with the files already staged (the emulator answers each unload from the file it wrote
//     in the previous run: on Snowflake the warehouse unloads, not the loader's cores); the unload
//     path both with gzipped files (the default) and uncompressed ones (unload_compression "none");
//   - per run: rows/s, the worker's CPU per row (process.cpuUsage, reported in run/finished),
//     PostgreSQL's CPU per row (/proc), the emulator's (this process), the worker's peak RSS;
//   - peak worker RSS at batch size 25k and 500k on both paths;
//   - the query path's source side alone (emulator + snowflake-sdk + Thaw's result stream, no PostgreSQL);
//   - on paper: loader and PostgreSQL cores for 272M rows in 30 minutes;
//   - with --verify: `thaw verify` of the loaded table, and each side alone (--skip-path-runs:
//     one load, then only --verify and --incremental).
// Prints the table and writes the figures to bench-results.json.
import { Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { followRun } from '../engine/cli/runCommand';
import { loadRunTables } from '../engine/run/startRun';
import { openSession } from '../engine/session';
import { streamChunk } from '../engine/source';
import { listChunks, listRuns } from '../engine/state';
import { startDemoEnvironment, DEMO_TABLE, type DemoEnvironment } from '../demo/environment';
import { UNLOAD_FILES, type UnloadCompression } from '../engine/config/schema';
import { Requests } from '../protocol/engine';
import { benchIncremental, type IncrementalFigures } from './incremental';
import { benchVerify, benchVerifySides, describeSide, describeVerify, type SideFigures, type VerifyFigures } from './verify';
import { PostgresCpu } from './postgresCpu';

const options = new Command()
  .name('thaw-bench')
  .option('--rows <n>', 'rows to generate', (v) => Number(v), 1_000_000)
  .option('--threads <n>', 'parallel threads (Thaw and raw COPY alike)', (v) => Number(v), 4)
  .option('--batch-size <n>', 'rows per chunk', (v) => Number(v), 25_000)
  .option('--large-batch-size <n>', 'the second batch size, for peak RSS', (v) => Number(v), 500_000)
  .option('--skip-source-only', 'skip the query path’s source-side-alone measure')
  .option('--verify', 'then thaw verify of the loaded table (partitioned by VISIT_DATE, as the demo), and each side alone at 1 and --threads connections')
  .option('--skip-path-runs', 'one full load instead of the extract-path runs, raw COPY and source-side measure: then only --verify and --incremental')
  .option('--incremental', 'then an UPSERT run where every row changed, its PostgreSQL limit, and thaw verify of the table')
  .option('--out <file>', 'where to write the figures', 'bench-results.json')
  .parse(process.argv)
  .opts<{ rows: number; threads: number; batchSize: number; largeBatchSize: number; skipSourceOnly?: boolean; verify?: boolean; skipPathRuns?: boolean; incremental?: boolean; out: string }>();

const say = (line: string) => process.stderr.write(`${line}\n`);
const target = `analytics_demo.${DEMO_TABLE.toLowerCase()}`;
/** 272M rows in 30 minutes: the job that motivates the figures. */
const GOAL_ROWS_PER_SECOND = 272_000_000 / 1800;

interface RunFigures {
  extractPath: string;
  unloadCompression?: UnloadCompression;
  batchSize: number;
  seconds: number;
  rowsPerSecond: number;
  workerCpuMicrosPerRow: number;
  postgresCpuMicrosPerRow: number;
  emulatorCpuMicrosPerRow: number;
  peakWorkerRssMb: number;
}

/**
 * The demo's config with the path and batch size to measure, and without its partition column: the
 * demo's 200 visit days would cut 1M rows into ~240 chunks of ~4k rows, where a 272M-row table
 * cut by VISIT_ID gets chunks of exactly batch_size rows, which is what these figures are about.
 */
async function setConfig(env: DemoEnvironment, changes: { extract_mode: 'query' | 'unload'; batch_size: number; unload_compression: UnloadCompression }): Promise<void> {
  const config = JSON.parse(await readFile(env.configPath, 'utf8')) as { tables: Array<Record<string, unknown>> } & Record<string, unknown>;
  const tables = config.tables.map(({ partition_column: _partition, ...table }) => table);
  await writeFile(env.configPath, `${JSON.stringify({ ...config, ...changes, tables }, null, 2)}\n`);
}

function emulatorCpuMicros(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

/** One complete Thaw run (truncate_onstart), with the CPU of each process measured over it. */
async function thawRun(env: DemoEnvironment, pgCpu: PostgresCpu, label: string, mode: 'query' | 'unload', batchSize: number, compression: UnloadCompression = 'gzip'): Promise<RunFigures> {
  say(`\n${label} ...`);
  await setConfig(env, { extract_mode: mode, batch_size: batchSize, unload_compression: compression });
  const pgBefore = await pgCpu.micros();
  const emuBefore = emulatorCpuMicros();
  const { finished } = await followRun(Requests.start, { configPath: env.configPath }, { json: false });
  const emulatorMicros = emulatorCpuMicros() - emuBefore;
  const postgresMicros = (await pgCpu.micros()) - pgBefore;
  if (!finished || finished.status !== 'completed') throw new Error(`${label}: the Thaw run did not complete (${finished?.status ?? 'no result'})`);
  const paths = finished.chunksByPath;
  if (!paths || paths[mode === 'query' ? 'unload' : 'query'] > 0) throw new Error(`${label}: not every chunk took the ${mode} path (${JSON.stringify(paths)})`);
  const rows = finished.rowsLoadedHere;
  return {
    extractPath: mode,
    ...(mode === 'unload' ? { unloadCompression: compression } : {}),
    batchSize,
    seconds: round(finished.seconds),
    rowsPerSecond: Math.round(rows / finished.seconds),
    workerCpuMicrosPerRow: round((finished.cpuMicros ?? NaN) / rows),
    postgresCpuMicrosPerRow: round(postgresMicros / rows),
    emulatorCpuMicrosPerRow: round(emulatorMicros / rows),
    peakWorkerRssMb: finished.peakRssMb,
  };
}

/** The query path's source side: every chunk's COPY lines from the emulator, through the driver and the result stream, into nothing. */
async function sourceOnly(env: DemoEnvironment, runId: string): Promise<{ seconds: number; rowsPerSecond: number; cpuMicrosPerRow: number }> {
  const session = await openSession(env.configPath);
  try {
    const prepared = await loadRunTables(session, runId);
    const chunks = await listChunks(session.pool, session.statusSchema, runId, { limit: 1_000_000 });
    const limit = pLimit(options.threads);
    let rows = 0;
    const cpuBefore = emulatorCpuMicros();
    const started = performance.now();
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          const table = prepared.tables.get(chunk.tableOrdinal)!;
          const { stream } = streamChunk(session.source, { table: table.sourceTable, columns: table.columns, partition: table.partition, split: table.split, range: chunk, snapshot: prepared.snapshot });
          await pipeline(stream, new Writable({ write: (_c, _e, done) => done() }));
          rows += chunk.rows;
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    // The emulator, the driver and the result stream share this process here: their CPU together.
    return { seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds), cpuMicrosPerRow: round((emulatorCpuMicros() - cpuBefore) / rows) };
  } finally {
    await session.close();
  }
}

/** The same rows, already rendered as COPY text, loaded by `threads` parallel COPY streams. */
interface CopyLimit {
  seconds: number;
  rowsPerSecond: number;
  postgresCpuMicrosPerRow: number;
}

async function copyLimit(env: DemoEnvironment, pgCpu: PostgresCpu): Promise<CopyLimit> {
  const pool = new pg.Pool({ host: env.postgres.host, port: env.postgres.port, user: env.postgres.user, password: env.postgres.password, database: env.database, max: options.threads + 1 });
  try {
    const parts = Array.from({ length: options.threads }, (_, i) => join(env.dir, `part-${i}.copy`));
    for (const [i, file] of parts.entries()) {
      const client = await pool.connect();
      try {
        const filter = `abs(hashtext(ctid::text)) % ${options.threads} = ${i}`;
        await pipeline(client.query(copyTo(`COPY (SELECT * FROM ${target} WHERE ${filter}) TO STDOUT`)), createWriteStream(file));
      } finally {
        client.release();
      }
    }
    await pool.query(`DROP TABLE IF EXISTS analytics_demo.copy_limit`);
    // Every Thaw run after the first loads into the table the first created (primary key added
    // after its load), emptied by truncate_onstart: raw COPY goes into the same, key and all, so
    // both maintain the key's index row by row. Neither ends with an ANALYZE: Thaw analyzes only
    // a table it created.
    await pool.query(`CREATE TABLE analytics_demo.copy_limit (LIKE ${target} INCLUDING ALL)`);
    const clients = await Promise.all(parts.map(() => pool.connect()));
    try {
      const pgBefore = await pgCpu.micros();
      const started = performance.now();
      // One transaction per stream, like a chunk's.
      const counts = await Promise.all(
        parts.map(async (file, i) => {
          const client = clients[i]!;
          await client.query('BEGIN');
          const copy = client.query(copyFrom('COPY analytics_demo.copy_limit FROM STDIN'));
          await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), copy);
          await client.query('COMMIT');
          return copy.rowCount;
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const rows = counts.reduce((a, b) => a + b, 0);
      const pgAfter = await pgCpu.micros();
      return { seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds), postgresCpuMicrosPerRow: round((pgAfter - pgBefore) / rows) };
    } finally {
      for (const c of clients) c.release();
    }
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const env = await startDemoEnvironment({ rows: options.rows, threads: options.threads, batchSize: options.batchSize, reuseUnloads: true }, say);
  try {
    const pgCpu = await PostgresCpu.of({ host: env.postgres.host, port: env.postgres.port, user: env.postgres.user, password: env.postgres.password, database: env.database });
    // The demo's own config, partitioned by VISIT_DATE: what verify cuts by (setConfig drops it for the loads).
    const verifyConfig = join(env.dir, 'verify.json');
    await writeFile(verifyConfig, await readFile(env.configPath, 'utf8'));
    const b = options.batchSize;
    if (options.skipPathRuns) {
      const load = await thawRun(env, pgCpu, `the full load (query path, batch ${b})`, 'query', b);
      const verify = options.verify ? await verifyFigures(verifyConfig, pgCpu) : undefined;
      const incremental = options.incremental ? await benchIncremental(env, options.threads, say) : undefined;
      await writeFile(options.out, `${JSON.stringify({ rows: options.rows, threads: options.threads, load, verify, incremental }, null, 2)}\n`);
      process.stdout.write(`\nthe full load: ${load.rowsPerSecond.toLocaleString('en-US')} rows/s\n`);
      if (verify) printVerify(verify);
      if (incremental) printIncremental(incremental);
      process.stdout.write(`figures written to ${options.out}\n`);
      return;
    }
    const query = await thawRun(env, pgCpu, `query path, batch ${b}`, 'query', b);
    const queryRunId = (await latestRunId(env))!;
    const unloading = await thawRun(env, pgCpu, `unload path, batch ${b}, the emulator unloading during the run`, 'unload', b);
    const staged = await thawRun(env, pgCpu, `unload path, batch ${b}, files already staged`, 'unload', b);
    const unloadingPlain = await thawRun(env, pgCpu, `unload path, uncompressed, batch ${b}, the emulator unloading during the run`, 'unload', b, 'none');
    const stagedPlain = await thawRun(env, pgCpu, `unload path, uncompressed, batch ${b}, files already staged`, 'unload', b, 'none');
    const large = options.largeBatchSize;
    const unloadLarge = await thawRun(env, pgCpu, `unload path, batch ${large}`, 'unload', large);
    const queryLarge = await thawRun(env, pgCpu, `query path, batch ${large}`, 'query', large);

    let source: Awaited<ReturnType<typeof sourceOnly>> | undefined;
    if (!options.skipSourceOnly) {
      say('\nthe query path’s source side alone (emulator, snowflake-sdk and the result stream, no PostgreSQL) ...');
      source = await sourceOnly(env, queryRunId);
    }
    const verify = options.verify ? await verifyFigures(verifyConfig, pgCpu) : undefined;
    say('\nPostgreSQL COPY of the same rows, pre-rendered, same parallelism ...');
    const copy = await copyLimit(env, pgCpu);

    const best = faster(staged, unloading);
    const bestPlain = faster(stagedPlain, unloadingPlain);
    // The kept keys take the faster of the two compressions with files staged, and say which.
    const bestStaged = faster(staged, stagedPlain);
    const cores = (micros: number) => round((GOAL_ROWS_PER_SECOND * micros) / 1e6);
    const figures = {
      rows: options.rows,
      threads: options.threads,
      batchSize: b,
      copyLimit: copy,
      paths: { query, unloadWhileUnloading: unloading, unloadFilesStaged: staged, unloadUncompressedWhileUnloading: unloadingPlain, unloadUncompressedFilesStaged: stagedPlain },
      largeBatch: { batchSize: large, query: queryLarge, unload: unloadLarge },
      ...(source ? { querySourceOnly: source } : {}),
      ...(verify ? { verify } : {}),
      // Kept keys: the best path with files staged, and the highest worker RSS of all runs.
      thaw: {
        extractPath: `unload (files staged, ${UNLOAD_FILES[bestStaged.unloadCompression ?? 'gzip']})`,
        rowsPerSecond: bestStaged.rowsPerSecond,
        seconds: bestStaged.seconds,
        peakWorkerRssMb: Math.max(...[query, unloading, staged, unloadingPlain, stagedPlain, unloadLarge, queryLarge].map((r) => r.peakWorkerRssMb)),
      },
      ratioToCopyLimit: round(bestStaged.rowsPerSecond / copy.rowsPerSecond),
      ratioToCopyLimitByPath: {
        query: round(query.rowsPerSecond / copy.rowsPerSecond),
        unloadWhileUnloading: round(unloading.rowsPerSecond / copy.rowsPerSecond),
        unloadFilesStaged: round(staged.rowsPerSecond / copy.rowsPerSecond),
        unloadUncompressedWhileUnloading: round(unloadingPlain.rowsPerSecond / copy.rowsPerSecond),
        unloadUncompressedFilesStaged: round(stagedPlain.rowsPerSecond / copy.rowsPerSecond),
      },
      // Against PostgreSQL's CPU per row in raw COPY, and in the same load (PostgreSQL spends more
      // per row in Thaw's loads than in raw COPY: both are shown, the stricter one first).
      workerCpuShareOfPostgres: {
        query: round(query.workerCpuMicrosPerRow / copy.postgresCpuMicrosPerRow),
        unload: round(best.workerCpuMicrosPerRow / copy.postgresCpuMicrosPerRow),
        querySameLoad: round(query.workerCpuMicrosPerRow / query.postgresCpuMicrosPerRow),
        unloadSameLoad: round(best.workerCpuMicrosPerRow / best.postgresCpuMicrosPerRow),
        unloadUncompressed: round(bestPlain.workerCpuMicrosPerRow / copy.postgresCpuMicrosPerRow),
        unloadUncompressedSameLoad: round(bestPlain.workerCpuMicrosPerRow / bestPlain.postgresCpuMicrosPerRow),
      },
      coresFor272MRowsIn30Min: {
        rowsPerSecond: Math.round(GOAL_ROWS_PER_SECOND),
        loaderUnloadPath: cores(best.workerCpuMicrosPerRow),
        loaderUnloadPathUncompressed: cores(bestPlain.workerCpuMicrosPerRow),
        loaderQueryPath: cores(query.workerCpuMicrosPerRow),
        postgres: cores(copy.postgresCpuMicrosPerRow),
      },
    };
    const incremental = options.incremental ? await benchIncremental(env, options.threads, say) : undefined;
    await writeFile(options.out, `${JSON.stringify({ ...figures, ...(incremental ? { incremental } : {}) }, null, 2)}\n`);
    printTable(figures, [
      ['query path', query],
      ['unload, emulator unloading', unloading],
      ['unload, files staged', staged],
      ['unload uncompressed, emulator unloading', unloadingPlain],
      ['unload uncompressed, files staged', stagedPlain],
      [`unload, batch ${large}`, unloadLarge],
      [`query, batch ${large}`, queryLarge],
    ]);
    if (verify) printVerify(verify);
    if (incremental) printIncremental(incremental);
  } finally {
    await env.close();
  }
}

/** `thaw verify` of the loaded table, then each side alone at 1 and `threads` connections. */
async function verifyFigures(configPath: string, pgCpu: PostgresCpu): Promise<{ whole: VerifyFigures; sides: SideFigures[] }> {
  say('');
  const whole = await benchVerify(configPath, say);
  const sides = await benchVerifySides(configPath, [...new Set([1, options.threads])], pgCpu, say);
  return { whole, sides };
}

function printIncremental({ upsert, upsertLimit, verify }: IncrementalFigures): void {
  const w = (line: string) => process.stdout.write(`${line}\n`);
  w(`upsert, every row changed    ${upsert.rowsPerSecond.toLocaleString('en-US')} rows/s (${round(upsert.seconds)} s)`);
  w(`staging + ON CONFLICT alone  ${upsertLimit.rowsPerSecond.toLocaleString('en-US')} rows/s (the PostgreSQL limit of the same merge)`);
  w(`verify                       ${describeVerify(verify)}`);
}

function printVerify(v: { whole: VerifyFigures; sides: SideFigures[] }): void {
  const w = (line: string) => process.stdout.write(`${line}\n`);
  w(`verify after the load, ${options.threads} connections per side: ${describeVerify(v.whole)}`);
  for (const s of v.sides) w(`  ${describeSide(s)}`);
}

async function latestRunId(env: DemoEnvironment): Promise<string | undefined> {
  const session = await openSession(env.configPath, { source: false });
  try {
    return (await listRuns(session.pool, session.statusSchema, { limit: 1 }))[0]?.runId;
  } finally {
    await session.close();
  }
}

function printTable(f: {
  rows: number;
  threads: number;
  copyLimit: CopyLimit;
  querySourceOnly?: { rowsPerSecond: number; cpuMicrosPerRow: number };
  ratioToCopyLimit: number;
  thaw: { extractPath: string };
  workerCpuShareOfPostgres: { query: number; unload: number; querySameLoad: number; unloadSameLoad: number; unloadUncompressed: number; unloadUncompressedSameLoad: number };
  coresFor272MRowsIn30Min: { loaderUnloadPath: number; loaderUnloadPathUncompressed: number; loaderQueryPath: number; postgres: number };
}, runs: Array<[string, RunFigures]>): void {
  const w = (line: string) => process.stdout.write(`${line}\n`);
  const n = (x: number) => x.toLocaleString('en-US');
  w('');
  w(`${n(f.rows)} rows, ${f.threads} threads`);
  w('| run | batch | rows/s | × raw COPY | worker µs/row | PostgreSQL µs/row | emulator µs/row | peak worker RSS |');
  w('|---|---|---|---|---|---|---|---|');
  for (const [label, r] of runs) {
    w(`| ${label} | ${n(r.batchSize)} | ${n(r.rowsPerSecond)} | ${round(r.rowsPerSecond / f.copyLimit.rowsPerSecond)} | ${r.workerCpuMicrosPerRow} | ${r.postgresCpuMicrosPerRow} | ${r.emulatorCpuMicrosPerRow} | ${r.peakWorkerRssMb} MB |`);
  }
  w(`| raw COPY, pre-rendered rows | — | ${n(f.copyLimit.rowsPerSecond)} | 1 | — | ${f.copyLimit.postgresCpuMicrosPerRow} | — | — |`);
  if (f.querySourceOnly) w(`| query path, source side alone | — | ${n(f.querySourceOnly.rowsPerSecond)} | — | ${f.querySourceOnly.cpuMicrosPerRow} (emulator + this process) | — | — | — |`);
  w('');
  w(`ratio to raw COPY (${f.thaw.extractPath}): ${f.ratioToCopyLimit}`);
  const share = f.workerCpuShareOfPostgres;
  w(
    `worker CPU per row as a share of PostgreSQL's (of raw COPY's / of the same load's): unload ${share.unload} / ${share.unloadSameLoad}; ` +
      `unload uncompressed ${share.unloadUncompressed} / ${share.unloadUncompressedSameLoad}; query ${share.query} / ${share.querySameLoad}`,
  );
  const c = f.coresFor272MRowsIn30Min;
  w(`cores for 272M rows in 30 min: loader ${c.loaderUnloadPath} (unload) / ${c.loaderUnloadPathUncompressed} (unload uncompressed) / ${c.loaderQueryPath} (query), PostgreSQL ${c.postgres}`);
  w(`figures written to ${options.out}`);
}

/** The run with more rows/s; `a` on a tie. */
function faster(a: RunFigures, b: RunFigures): RunFigures {
  return b.rowsPerSecond > a.rowsPerSecond ? b : a;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
