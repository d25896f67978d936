// `npm run bench`: on one generated fact table, measures Thaw end to end against the two limits it
// sits between — how fast the source side (emulator + snowflake-sdk) delivers the chunks' COPY
// lines, and how fast PostgreSQL takes the same rows pre-rendered, straight into COPY — and the
// worker's peak RSS. Prints the figures and writes them to a JSON file.
import { Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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
import { benchIncremental } from './incremental';
import { benchVerify, describeVerify } from './verify';
import { Requests } from '../protocol/engine';

const options = new Command()
  .name('thaw-bench')
  .option('--rows <n>', 'rows to generate', (v) => Number(v), 1_000_000)
  .option('--threads <n>', 'parallel threads', (v) => Number(v), 4)
  .option('--batch-size <n>', 'rows per chunk', (v) => Number(v), 25_000)
  .option('--out <file>', 'where to write the figures', 'bench-results.json')
  .option('--incremental', 'then an UPSERT run where every row changed, its PostgreSQL limit, and thaw verify of the table')
  .option('--verify', 'then thaw verify of the freshly loaded table, timed')
  .parse(process.argv)
  .opts<{ rows: number; threads: number; batchSize: number; out: string; incremental?: boolean; verify?: boolean }>();

const say = (line: string) => process.stderr.write(`${line}\n`);
const target = `analytics_demo.${DEMO_TABLE.toLowerCase()}`;

/** Streams every chunk's COPY lines from the source into nothing, `threads` chunks at a time. */
async function sourceOnly(env: DemoEnvironment, runId: string): Promise<{ seconds: number; rows: number }> {
  const session = await openSession(env.configPath);
  try {
    const prepared = await loadRunTables(session, runId);
    const chunks = await listChunks(session.pool, session.statusSchema, runId, { limit: 1_000_000 });
    const limit = pLimit(options.threads);
    let rows = 0;
    const started = performance.now();
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          const table = prepared.tables.get(chunk.tableOrdinal)!;
          const lines = streamChunk(session.source, { table: table.sourceTable, columns: table.columns, partition: table.partition, split: table.split, range: chunk, snapshot: prepared.snapshot });
          await pipeline(lines, new Writable({ write: (_c, _e, done) => done() }));
          rows += lines.rows;
        }),
      ),
    );
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    await session.close();
  }
}

/** The same rows, already rendered as COPY text, loaded by `threads` parallel COPY streams. */
async function copyLimit(env: DemoEnvironment): Promise<{ seconds: number; rows: number }> {
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
    await pool.query(`CREATE TABLE analytics_demo.copy_limit (LIKE ${target} INCLUDING DEFAULTS)`);
    const started = performance.now();
    const counts = await Promise.all(
      parts.map(async (file) => {
        const client = await pool.connect();
        try {
          await client.query('SET synchronous_commit = off');
          const copy = client.query(copyFrom('COPY analytics_demo.copy_limit FROM STDIN'));
          await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), copy);
          return copy.rowCount;
        } finally {
          client.release();
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, rows: counts.reduce((a, b) => a + b, 0) };
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const env = await startDemoEnvironment({ rows: options.rows, threads: options.threads, batchSize: options.batchSize }, say);
  try {
    const { finished } = await followRun(Requests.start, { configPath: env.configPath }, { json: false });
    if (!finished || finished.status !== 'completed') throw new Error(`the Thaw run did not complete (${finished?.status ?? 'no result'})`);
    const session = await openSession(env.configPath, { source: false });
    const runId = (await listRuns(session.pool, session.statusSchema, { limit: 1 }))[0]!.runId;
    await session.close();

    say('measuring the source side alone ...');
    const source = await sourceOnly(env, runId);
    say('measuring PostgreSQL COPY of the same rows, pre-rendered ...');
    const copy = await copyLimit(env);

    const thawRate = finished.rowsLoaded / finished.seconds;
    const sourceRate = source.rows / source.seconds;
    const copyRate = copy.rows / copy.seconds;
    const figures = {
      rows: finished.rowsLoaded,
      threads: options.threads,
      batchSize: options.batchSize,
      thaw: { seconds: round(finished.seconds), rowsPerSecond: Math.round(thawRate), peakWorkerRssMb: finished.peakRssMb },
      sourceOnly: { seconds: round(source.seconds), rowsPerSecond: Math.round(sourceRate) },
      copyLimit: { seconds: round(copy.seconds), rowsPerSecond: Math.round(copyRate) },
      ratioToCopyLimit: round(thawRate / copyRate),
      ratioToSourceOnly: round(thawRate / sourceRate),
      ...(options.verify ? { verify: await benchVerify(env.configPath, say) } : {}),
      ...(options.incremental ? { incremental: await benchIncremental(env, options.threads, say) } : {}),
    };
    await writeFile(options.out, `${JSON.stringify(figures, null, 2)}\n`);
    const w = (line: string) => process.stdout.write(`${line}\n`);
    w('');
    w(`rows                         ${figures.rows.toLocaleString('en-US')} (${options.threads} threads, ${options.batchSize} rows per chunk)`);
    w(`thaw end to end              ${figures.thaw.rowsPerSecond.toLocaleString('en-US')} rows/s (${figures.thaw.seconds} s)`);
    w(`source side alone            ${figures.sourceOnly.rowsPerSecond.toLocaleString('en-US')} rows/s (emulator + snowflake-sdk, no PostgreSQL)`);
    w(`COPY of pre-rendered rows    ${figures.copyLimit.rowsPerSecond.toLocaleString('en-US')} rows/s (the PostgreSQL limit here)`);
    w(`thaw / COPY limit            ${figures.ratioToCopyLimit}`);
    w(`thaw / source side           ${figures.ratioToSourceOnly}`);
    w(`peak worker RSS              ${figures.thaw.peakWorkerRssMb} MB`);
    if (figures.verify) w(`verify after the load        ${describeVerify(figures.verify)}`);
    if (figures.incremental) {
      const { upsert, upsertLimit, verify } = figures.incremental;
      w(`upsert, every row changed    ${upsert.rowsPerSecond.toLocaleString('en-US')} rows/s (${round(upsert.seconds)} s)`);
      w(`staging + ON CONFLICT alone  ${upsertLimit.rowsPerSecond.toLocaleString('en-US')} rows/s (the PostgreSQL limit of the same merge)`);
      w(`verify                       ${describeVerify(verify)}`);
    }
    w(`figures written to           ${options.out}`);
  } finally {
    await env.close();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
