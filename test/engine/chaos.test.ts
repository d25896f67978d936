// The short chaos run (`npm run chaos` with 3 iterations of small tables): real SIGKILLs, joining
// processes, a PostgreSQL restart and emulator faults at random points of real migrations, each
// run finished by `thaw resume` and compared with its source value for value. The seed is printed,
// so a failure here is replayed with `npm run chaos -- --seed S --iterations 3 --rows 300 --no-partition`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CHAOS = join(process.cwd(), 'dist', 'chaos.cjs');

function runChaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHAOS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The number on a summary line such as `  mismatches            0`. */
function figure(stdout: string, label: string): number {
  const m = new RegExp(`^\\s+${label}\\s+([\\d,]+)`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line in:\n${stdout}`);
  return Number(m[1]!.replaceAll(',', ''));
}

describe('chaos (npm run chaos, short version)', function () {
  this.timeout(300_000);

  it('runs 3 migrations under random faults, each finished by thaw resume (or by a worker left running), with 0 mismatches', async () => {
    const run = await runChaos(['--iterations', '3', '--rows', '300', '--no-partition']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(figure(run.stdout, 'iterations'), 3);
    assert.equal(figure(run.stdout, 'mismatches'), 0);
    assert.equal(figure(run.stdout, 'problems'), 0);
    // Each iteration holds 100..300 fact rows plus the 6 edge-case rows.
    const compared = figure(run.stdout, 'rows compared');
    assert.ok(compared >= 3 * 106 && compared <= 3 * 306, `rows compared: ${compared}`);
    // Every iteration faulted at least twice, and ended with a final kill of every process and a
    // resume that completed its run, unless a worker left running completed it before that kill.
    assert.ok(figure(run.stdout, 'faults') >= 6, run.stdout);
    const early = figure(run.stdout, 'completed before the final kill \\(no final resume\\)');
    assert.equal(run.stdout.match(/final thaw resume \(run was \w+\): exit 0, run completed/g)?.length ?? 0, 3 - early, run.stdout);
    assert.equal(run.stdout.match(/the run completed before the final kill/g)?.length ?? 0, early, run.stdout);
    assert.equal(run.stdout.match(/compared [\d,]+ rows: 0 mismatches/g)?.length, 3, run.stdout);
  });
});
