// The engine worker dying mid-run (killed here with SIGKILL) is reported with its cause and a
// Resume action; the extension stays up, and Resume finishes the run with every row loaded once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_TABLE_SPEC, useEditorWorld } from '../harness';
import { newestRun, rowCount, setFaults, showMigrationsView, waitForRunState } from './migrationSteps';

const ROWS = 1_000;
const TARGET = `${DEMO_TABLE_SPEC.target_schema}.${DEMO_TABLE_SPEC.target_table}`;
const run = promisify(execFile);

/** Pids of the engine workers the installed extension started. */
async function workerPids(extensionDir: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args=']);
  return stdout
    .split('\n')
    .filter((l) => l.includes(`${extensionDir}/dist/worker.cjs`))
    .map((l) => Number(l.trim().split(/\s+/, 1)[0]));
}

describe('editor: a worker crash during a run', function () {
  const ui = useEditorWorld('worker-crash', { demoRows: ROWS, config: { batch_size: 100, parallel_threads: 2, worker_heartbeat_timeout_seconds: 5 } });

  it('reports the crash with a Resume action that finishes the run', async function () {
    this.timeout(600_000);
    const e = ui.editor;
    const w = ui.world;
    await setFaults(w, { delayMs: 100 });
    await e.runCommand('Migration: Start');
    const started = await newestRun(e, w);
    await showMigrationsView(e);
    await e.waitForTreeItem(started.run_id, 60_000);
    const pids = await workerPids(e.server.extensionDir);
    assert.equal(pids.length, 1, `one long-lived worker: ${pids.join(', ')}`);
    process.kill(pids[0]!, 'SIGKILL');

    const message = await e.waitForNotification(new RegExp(`migration worker stopped unexpectedly while executing run ${started.run_id}: .*SIGKILL`));
    assert.match(message, /SIGKILL/);
    await setFaults(w, { delayMs: 0 });
    await e.clickNotificationButton(/migration worker stopped unexpectedly/, 'Resume');
    assert.equal(await waitForRunState(w, started.run_id, ['completed', 'failed'], 240_000), 'completed');
    assert.equal(await rowCount(w, TARGET), ROWS, 'every source row once');
  });
});
