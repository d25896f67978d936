// The command line's own contract (interface.md): the emulator command's first line, usage errors
// exiting 2, and the run id on the first line of `start`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_TABLE_SPEC } from '../support/demoColumns';
import { CLI, runCli, startCli } from '../support/cli';
import { createFixture } from '../support/migration';

describe('thaw command line', function () {
  it('`thaw emulator --port 0` prints where it listens as its first line and serves the driver', async () => {
    const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--demo-rows', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
      });
      assert.match(first, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${first.replace('listening on ', '')}/__thaw/faults`);
      assert.equal(health.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('loads the emulator (DuckDB) only for `thaw emulator`', async () => {
    // A preload that reports every load of DuckDB's native module on stderr.
    const dir = await mkdtemp(join(tmpdir(), 'thaw-cli-'));
    const probe = join(dir, 'probe.cjs');
    await writeFile(
      probe,
      `const Module = require('node:module'); const load = Module._load;
       Module._load = function (request, ...rest) { if (request === '@duckdb/node-api') process.stderr.write('DUCKDB LOADED\\n'); return load.call(this, request, ...rest); };`,
    );
    const env = { NODE_OPTIONS: `--require ${probe}` };
    try {
      const status = await runCli(['status', '--config', join(dir, 'missing.json')], env);
      assert.equal(status.code, 2, status.stderr);
      assert.doesNotMatch(status.stderr, /DUCKDB LOADED/);
      const help = await runCli(['emulator', '--port', 'x'], env);
      assert.equal(help.code, 2, 'a usage error of the emulator command does not start it either');
      assert.doesNotMatch(help.stderr, /DUCKDB LOADED/);
      const emulator = startCli(['emulator', '--port', '0'], env);
      await new Promise<void>((resolve) => emulator.child.stdout!.once('data', () => resolve()));
      emulator.child.kill('SIGTERM');
      assert.match((await emulator.done).stderr, /DUCKDB LOADED/, 'the probe sees the emulator load it');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on a usage error and on a missing config', async () => {
    const usage = await runCli(['start', '--threads']);
    assert.equal(usage.code, 2);
    const missing = await runCli(['plan', '--config', '/nonexistent/config.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /\/nonexistent\/config\.json/);
  });

  it('prints `run <id> started` first, then a progress line, and a summary', async () => {
    const fx = await createFixture({ demoRows: 500 });
    try {
      const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined }], { batch_size: 100 });
      const run = await fx.cli(['start', '--config', config]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.match(lines[0]!, /^run \d{8}-\d{6}-[0-9a-f]{4} started/);
      assert.match(lines.at(-1)!, /completed: 500 rows in .* rows\/s\), 0 failed chunk\(s\), peak worker RSS \d+ MB/);
      assert.match(run.stderr, /progress 100\.0% 500\/500 rows/);
    } finally {
      await fx.close();
    }
  });
});
