// `npm run demo` as a newcomer runs it: it migrates, checks, cleans up, and leaves behind a copy of
// the config it printed that a user can start from, whose $schema works from where it lies.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkConfig } from '../../src/engine/config';

const DEMO = join(process.cwd(), 'dist', 'demo.cjs');

function runDemo(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [DEMO, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run demo', function () {
  it('keeps a copy of its config to start from, with a $schema that resolves from the copy', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'thaw-demo-test-'));
    try {
      const demo = await runDemo(['--rows', '3000', '--threads', '2', '--batch-size', '1000'], cwd);
      assert.equal(demo.code, 0, demo.stderr);
      assert.match(demo.stdout, /target rows +3,000 .* match/);
      assert.match(demo.stdout, /a copy stays at demo\.thaw\.json after the demo/);
      // The fastest path the emulator serves, for every chunk, and said so.
      assert.match(demo.stdout, /extract path +unload \(COPY INTO a stage, uncompressed files streamed from presigned URLs\) for \d+ chunks\n/);
      const kept = join(cwd, 'demo.thaw.json');
      const text = await readFile(kept, 'utf8');
      assert.deepEqual(checkConfig(text), [], 'the copy is a valid config');
      const config = JSON.parse(text) as { $schema: string; tables: Array<{ source_table: string }> };
      assert.ok(!config.$schema.startsWith('/'), `$schema is relative: ${config.$schema}`);
      assert.ok(existsSync(resolve(dirname(kept), config.$schema)), `$schema ${config.$schema} names the schema file`);
      assert.equal(config.tables[0]!.source_table, 'FACTVISITCALLPERFORMANCE_CR');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
