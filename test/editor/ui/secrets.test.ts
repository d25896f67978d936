// Secrets set with "Migration: Set PostgreSQL/Snowflake Secret" live in the editor's SecretStorage
// and reach the worker as the environment its ${env:NAME} references read: the run succeeds
// although neither variable is in the editor's environment, and neither value appears in
// config.json, the Migration output channel, the editor's logs, the driver's log files
// (<config dir>/.thaw/logs) or the status tables.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createEditorWorkspace, openEditor, type EditorSession, type EditorWorkspace } from '../harness';
import { answerPrompt, newestRun, waitForRunState } from './migrationSteps';

const PG_SECRET = `pg-Secr3t-${randomBytes(6).toString('hex')}`;
const SF_SECRET = `sf-Secr3t-${randomBytes(6).toString('hex')}`;
const ROLE = `thaw_secret_${randomBytes(3).toString('hex')}`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

describe('editor: secrets from SecretStorage', function () {
  let world: EditorWorkspace | undefined;
  let editor: EditorSession | undefined;

  before(async function () {
    this.timeout(900_000);
    world = await createEditorWorkspace({ demoRows: 500 });
    // A role of its own, so the password is one nobody else uses and a grep means something.
    await world.fixture.query(`CREATE ROLE ${ROLE} LOGIN SUPERUSER PASSWORD '${PG_SECRET}'`);
    const config = JSON.parse(await readFile(world.configPath, 'utf8')) as { source: Record<string, unknown>; target: Record<string, unknown> };
    config.source.password = '${env:THAW_EDITOR_SF_SECRET}';
    config.target.user = ROLE;
    config.target.password = '${env:THAW_EDITOR_PG_SECRET}';
    await writeFile(world.configPath, JSON.stringify(config, null, 2));
    editor = await openEditor({ folder: world.folder, name: 'secrets', env: world.env });
  });

  after(async function () {
    this.timeout(60_000);
    await editor?.close();
    await world?.fixture.query(`DROP OWNED BY ${ROLE}`).catch(() => undefined);
    await world?.close();
  });

  it('runs with secrets set in the editor, and no secret is written anywhere', async function () {
    this.timeout(600_000);
    const e = editor!;
    const w = world!;
    assert.equal(w.env.THAW_EDITOR_PG_SECRET, undefined);
    await e.runCommand('Migration: Set PostgreSQL Secret');
    await answerPrompt(e, /THAW_EDITOR_PG_SECRET/, PG_SECRET);
    await e.runCommand('Migration: Set Snowflake Secret');
    await answerPrompt(e, /THAW_EDITOR_SF_SECRET/, SF_SECRET);
    await e.runCommand('Migration: Start');
    const run = await newestRun(e, w);
    assert.equal(await waitForRunState(w, run.run_id, ['completed', 'failed']), 'completed');
    await e.waitForNotification(/completed/);

    await e.runCommand('Migration: Show Logs');
    const output = await e.waitForOutput(/started/);
    const places: Array<[string, string]> = [
      ['config.json', await readFile(w.configPath, 'utf8')],
      ['the Migration output channel on screen', output],
    ];
    // The driver logs at ERROR level only, so its file may not exist after a clean run; whatever
    // Thaw keeps beside the config (.thaw/) is read.
    const stateDir = join(dirname(w.configPath), '.thaw');
    assert.ok(existsSync(join(stateDir, 'logs')), 'the driver log folder exists');
    const driverLogs = await filesUnder(stateDir);
    const editorLogs = await filesUnder(join(dirname(e.server.logPath), 'user-data', 'logs'));
    assert.ok(editorLogs.some((f) => /Migration\.log$/.test(f)), `the Migration channel's log file is among ${editorLogs.length} editor logs`);
    for (const f of [...driverLogs, ...editorLogs, e.server.logPath]) places.push([f, await readFile(f, 'utf8')]);
    const tables = await w.fixture.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'migration_status'`);
    assert.ok(tables.length >= 4);
    for (const { table_name } of tables) {
      const rows = await w.fixture.query<{ r: string }>(`SELECT t::text AS r FROM migration_status.${table_name} t`);
      places.push([`migration_status.${table_name}`, rows.map((r) => r.r).join('\n')]);
    }
    for (const [where, text] of places) {
      assert.ok(!text.includes(PG_SECRET), `the PostgreSQL secret appears in ${where}`);
      assert.ok(!text.includes(SF_SECRET), `the Snowflake secret appears in ${where}`);
    }
  });
});
