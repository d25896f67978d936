// Secrets set through ${env:...} (a Snowflake password, a private key's passphrase, the PostgreSQL
// password) appear nowhere Thaw writes or sends: the CLI's and the worker's output, every status
// table, the snowflake-sdk's log file, every event and answer the extension's panel and views get
// from the worker, and the report of a worker that crashed mid-run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Events, Requests } from '../../src/protocol/engine';
import { describeWorkerExit, type EngineClient } from '../../src/engine/worker/client';
import { runCli } from '../support/cli';
import { DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { startWorker, stopWorker } from '../support/worker';

const token = () => randomBytes(9).toString('base64url');
const SECRETS = {
  THAW_SF_PASSWORD: `sf-pw-${token()}`,
  THAW_KEY_PASSPHRASE: `kp-${token()}`,
  THAW_PG_PASSWORD: `pg-pw-${token()}`,
};
const ROLE = 'secret_loader';

/** A worker that follows every event into `seen`, as the extension's panel and views do. */
function followedWorker(env: NodeJS.ProcessEnv, seen: string[]): EngineClient {
  const worker = startWorker(env);
  for (const event of Object.values(Events)) worker.on(event, (data) => seen.push(`${event.event} ${JSON.stringify(data)}`));
  worker.onStderr((line) => seen.push(`stderr ${line}`));
  return worker;
}

describe('secrets appear nowhere: logs, status tables, driver log, panel state, crash report', function () {
  let fx: Fixture;
  let env: NodeJS.ProcessEnv;
  let keyPairConfig: string;
  let passwordConfig: string;
  /** Everything gathered, by where it came from. */
  const gathered = new Map<string, string[]>();
  const gather = (where: string, text: string) => gathered.set(where, [...(gathered.get(where) ?? []), text]);

  before(async () => {
    fx = await createFixture({ demoRows: 2000 });
    // The driver logs everything it does, so its log has something to search.
    env = { ...fx.env, ...SECRETS, THAW_SNOWFLAKE_LOG_LEVEL: 'TRACE' };
    await fx.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRETS.THAW_PG_PASSWORD}'; GRANT CREATE ON DATABASE ${fx.db.database} TO ${ROLE}`);
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', `env:THAW_KEY_PASSPHRASE`, '-out', join(fx.dir, 'key.p8')], {
      env: { ...process.env, ...SECRETS },
      stdio: 'pipe',
    });
    const target = { host: fx.db.host, port: fx.db.port, database: fx.db.database, user: ROLE, password: '${env:THAW_PG_PASSWORD}', ssl: 'disable' };
    const source = { account: 'emu', username: 'LOADER', warehouse: 'WH', database: 'ANALYTICS', schema: 'PUBLIC', access_url: fx.emulator.url };
    // A few chunks: one per 500 rows, no partitions.
    const table = { ...DEMO_TABLE_SPEC, partition_column: undefined, truncate_onstart: true };
    keyPairConfig = await fx.writeConfig([table], { batch_size: 500, target, source: { ...source, private_key_path: 'key.p8', private_key_passphrase: '${env:THAW_KEY_PASSPHRASE}' } }, 'key-pair.json');
    passwordConfig = await fx.writeConfig([{ ...table, target_schema: 'by_password' }], { batch_size: 500, target, source: { ...source, password: '${env:THAW_SF_PASSWORD}' }, max_attempts: 1 }, 'password.json');
  });
  after(async () => fx?.close());

  it('gathers the output of the CLI and its worker, with and without --json, on success and on failure', async () => {
    for (const args of [
      ['plan', '--config', keyPairConfig],
      ['start', '--config', keyPairConfig],
      ['status', '--config', keyPairConfig],
      ['verify', '--config', keyPairConfig],
      ['start', '--config', keyPairConfig, '--json'],
    ]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      gather('CLI output', `${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    }
    // A chunk failing for good, so errors reach the status tables and the output too.
    fx.setFaults({ failQueries: [{ pattern: 'AS "ROW" FROM .*FACTVISITCALLPERFORMANCE_CR', count: 1, kind: 'sql' }] });
    const failed = await runCli(['start', '--config', passwordConfig, '--json'], env);
    fx.setFaults({ failQueries: [] });
    assert.equal(failed.code, 1, failed.stderr);
    gather('CLI output', `${failed.stdout}\n${failed.stderr}`);
    const retried = await runCli(['resume', '--config', passwordConfig], env);
    assert.equal(retried.code, 0, retried.stderr);
    gather('CLI output', `${retried.stdout}\n${retried.stderr}`);
    // Wrong secrets are reported without being repeated.
    const wrong = await runCli(['status', '--config', passwordConfig], { ...env, THAW_PG_PASSWORD: `${SECRETS.THAW_PG_PASSWORD}-wrong` });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /password authentication failed/);
    gather('CLI output', wrong.stderr.replaceAll(`${SECRETS.THAW_PG_PASSWORD}-wrong`, ''));
  });

  it('gathers every event and answer the panel and the views get from the worker', async () => {
    const seen: string[] = [];
    const worker = followedWorker(env, seen);
    try {
      const finished = new Promise((resolve) => worker.on(Events.runFinished, resolve));
      const { runId } = await worker.request(Requests.start, { configPath: passwordConfig });
      await finished;
      const ref = { configPath: passwordConfig, runId };
      for (const answer of [
        await worker.request(Requests.listRuns, { configPath: passwordConfig, allConfigs: true }),
        await worker.request(Requests.listTables, ref),
        await worker.request(Requests.chunkGroups, { ...ref, tableOrdinal: 1 }),
        await worker.request(Requests.listWorkers, ref),
        await worker.request(Requests.chunkMap, ref),
        await worker.request(Requests.timeline, { ...ref, bucketSeconds: 10 }),
      ]) {
        seen.push(JSON.stringify(answer));
      }
    } finally {
      await stopWorker(worker);
    }
    assert.ok(seen.some((s) => s.startsWith('run/progress')), 'progress snapshots were seen');
    gather('panel state', seen.join('\n'));
  });

  it('gathers the report of a worker that crashed mid-run', async () => {
    const crash = join(fx.dir, 'crash.cjs');
    // Loaded into the worker: SIGUSR2 makes it throw an exception nothing catches, mid-run.
    await writeFile(crash, `process.on('SIGUSR2', () => { throw new Error('injected crash of the engine worker'); });\n`);
    fx.setFaults({ delayMs: 300 });
    const seen: string[] = [];
    const worker = followedWorker({ ...env, NODE_OPTIONS: `--require ${crash}` }, seen);
    try {
      const loading = new Promise((resolve) => worker.on(Events.chunkStateChanged, resolve));
      await worker.request(Requests.start, { configPath: passwordConfig });
      await loading;
      process.kill(worker.pid!, 'SIGUSR2');
      const exit = await worker.waitForExit();
      const report = describeWorkerExit(exit, 'the run finished');
      assert.match(report, /exited with code 1 before the run finished:[\s\S]*injected crash of the engine worker/);
      gather('crash report', `${report}\n${seen.join('\n')}`);
    } finally {
      fx.setFaults({ delayMs: 0 });
      await stopWorker(worker);
    }
  });

  it('finds none of the secrets in any of it, nor in the status tables or the driver log', async () => {
    const tables = await fx.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'migration_status' ORDER BY 1`);
    assert.ok(tables.length >= 4, 'the status tables exist');
    for (const { name } of tables) {
      const rows = await fx.query<{ row: string }>(`SELECT t::text AS row FROM migration_status."${name}" t`);
      gather('status tables', `${name}\n${rows.map((r) => r.row).join('\n')}`);
    }
    const errors = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM migration_status.migration_chunk_status WHERE last_error IS NOT NULL`);
    assert.ok(Number(errors[0]!.n) > 0, 'an error is recorded');
    const driverLog = join(fx.dir, '.thaw', 'logs', 'snowflake.log');
    gather('snowflake-sdk log', await readFile(driverLog, 'utf8'));

    assert.deepEqual([...gathered.keys()].sort(), ['CLI output', 'crash report', 'panel state', 'snowflake-sdk log', 'status tables']);
    for (const [where, texts] of gathered) {
      const text = texts.join('\n');
      assert.ok(text.length > 200, `${where} holds something to search (${text.length} chars)`);
      for (const [variable, secret] of Object.entries(SECRETS)) {
        assert.ok(!text.includes(secret), `${variable}'s value appears in the ${where}`);
      }
    }
  });
});
