// `npm run demo`: the main job on embedded defaults. Starts an embedded PostgreSQL and the
// emulator with a generated fact table, plans, migrates with live progress, checks that the
// target holds exactly the source's rows, prints a summary and cleans up, but keeps a copy of the
// config it used (demo.thaw.json in the working directory) for the user to start from.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import pg from 'pg';
import { askWorker, followRun } from '../engine/cli/runCommand';
import { printPlan } from '../engine/cli/printPlan';
import { DEMO_TABLE, startDemoEnvironment } from './environment';
import { UNLOAD_COMPRESSIONS, UNLOAD_FILES, type UnloadCompression } from '../engine/config/schema';
import { Requests } from '../protocol/engine';

const options = new Command()
  .name('thaw-demo')
  .option('--rows <n>', 'rows to generate', (v) => Number(v), 1_000_000)
  .option('--threads <n>', 'parallel threads', (v) => Number(v), 4)
  .option('--batch-size <n>', 'rows per chunk', (v) => Number(v), 25_000)
  // The emulator serves the unload path, and it is the faster one here even on the demo's ~3.5k-row
  // day chunks (1M rows: 26.9 s against 34.2 s on the query path, measured on an idle machine), which
  // `auto` would query.
  .addOption(new Option('--extract-mode <mode>', 'the extract path').choices(['auto', 'unload', 'query']).default('unload'))
  // The emulator, the worker and PostgreSQL share this machine's cores and no network lies between
  // them: gzip would only cost CPU on both ends (1M rows: 18.3–19.9 s uncompressed against 22.2–24.5 s gzipped).
  .addOption(new Option('--unload-compression <compression>', 'how unloaded files are written').choices(UNLOAD_COMPRESSIONS).default('none'))
  .parse(process.argv)
  .opts<{ rows: number; threads: number; batchSize: number; extractMode: 'auto' | 'unload' | 'query'; unloadCompression: UnloadCompression }>();

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Where the demo leaves a copy of its config, in the working directory. */
const KEPT_CONFIG = 'demo.thaw.json';

/**
 * Copies the demo's config (which `close` removes with the rest of its folder) for the user to
 * start from, its `$schema` relative to the copy so that editors find the schema from the clone.
 */
async function keepConfig(configPath: string): Promise<string> {
  const config = JSON.parse(await readFile(configPath, 'utf8')) as { $schema: string };
  const kept = resolve(KEPT_CONFIG);
  config.$schema = relative(dirname(kept), config.$schema).replaceAll('\\', '/');
  await writeFile(kept, `${JSON.stringify(config, null, 2)}\n`);
  return kept;
}

/** Which extract path the chunks took, e.g. "unload (…) for 40 chunks". */
function describePaths(chunks: { unload: number; query: number }): string {
  const paths = [
    chunks.unload > 0 ? `unload (COPY INTO a stage, ${UNLOAD_FILES[options.unloadCompression]} files streamed from presigned URLs) for ${chunks.unload} chunks` : '',
    chunks.query > 0 ? `query (one streaming query per chunk) for ${chunks.query} chunks` : '',
  ];
  return paths.filter((p) => p !== '').join('; ') || 'none (no chunk loaded)';
}

async function main(): Promise<number> {
  const env = await startDemoEnvironment({ ...options, demoOrder: 'visit_date' }, say);
  try {
    say(`config: ${env.configPath}`);
    const kept = relative(process.cwd(), await keepConfig(env.configPath));
    say(`  a copy stays at ${kept} after the demo: point its source and target at your own databases, then`);
    say(`  npm run thaw -- plan --config ${kept}
`);
    printPlan(await askWorker(Requests.plan, { configPath: env.configPath }));
    say('');
    const { exitCode, finished } = await followRun(Requests.start, { configPath: env.configPath }, { json: false });
    if (!finished) return exitCode;

    const sourceRows = Number((await env.emulator.sql(`SELECT COUNT(*) AS n FROM main.${DEMO_TABLE}`))[0]?.n);
    const client = new pg.Client({ host: env.postgres.host, port: env.postgres.port, user: env.postgres.user, password: env.postgres.password, database: env.database });
    await client.connect();
    const targetRows = Number((await client.query(`SELECT count(*) AS n FROM analytics_demo.${DEMO_TABLE.toLowerCase()}`)).rows[0].n);
    const distinct = Number((await client.query(`SELECT count(DISTINCT visit_id) + count(*) FILTER (WHERE visit_id IS NULL) AS n FROM analytics_demo.${DEMO_TABLE.toLowerCase()}`)).rows[0].n);
    await client.end();

    const match = sourceRows === targetRows && distinct === targetRows;
    say('');
    say('summary');
    say(`  source rows        ${sourceRows.toLocaleString('en-US')}`);
    say(`  target rows        ${targetRows.toLocaleString('en-US')} (${distinct.toLocaleString('en-US')} distinct keys) ${match ? 'match' : 'DO NOT MATCH'}`);
    say(`  time               ${finished.seconds.toFixed(1)} s`);
    say(`  throughput         ${Math.round(finished.rowsLoaded / finished.seconds).toLocaleString('en-US')} rows/s`);
    say(`  peak worker RSS    ${finished.peakRssMb} MB`);
    say(`  extract path       ${describePaths(finished.chunksByPath ?? { unload: 0, query: 0 })}`);
    return match ? exitCode : 1;
  } finally {
    await env.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
