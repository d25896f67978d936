// A config.json that names Thaw's schema (served by the extension at thaw://schema/…) is
// validated while it is edited: an invalid value shows as a problem in the editor, and Start
// refuses it with the JSON path, the reason and an action that opens the file at that line. A
// config.json of another project in the same workspace is left alone.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useEditorWorld } from '../harness';
import { answerPrompt, docScreenshot, quickOpen, waitVisible } from './migrationSteps';

describe('editor: config.json validation', function () {
  let invalidLine = 0;
  const opened = useEditorWorld('config-diagnostics', {
    demoRows: 200,
    prepare: async (world) => {
      const config = JSON.parse(await readFile(world.configPath, 'utf8')) as Record<string, unknown>;
      config.$schema = 'thaw://schema/thaw-config.schema.json';
      config.parallel_threads = 'many';
      const text = JSON.stringify(config, null, 2);
      invalidLine = text.split('\n').findIndex((l) => l.includes('"parallel_threads"')) + 1;
      await writeFile(world.configPath, text);
      await world.writeFile('other/config.json', JSON.stringify({ name: 'another project', parallel_threads: 'many' }, null, 2));
    },
  });

  it('shows the schema diagnostic while editing, and only for the Thaw config', async function () {
    this.timeout(300_000);
    const e = opened.editor;
    await quickOpen(e, 'config.json', /^config\.json(?!.*\bother\b)/);
    const problem = await e.waitForProblem(/Incorrect type\. Expected "integer"/, 90_000);
    assert.match(problem, /Incorrect type/);
    await docScreenshot(e, 'config-diagnostics');
    await quickOpen(e, 'other/config.json', /^config\.json.*\bother\b/);
    await waitVisible(e, 'other/config.json in the editor', e.page.locator('.editor .view-lines', { hasText: /another\sproject/ }));
    const rows = await e.problems();
    assert.equal(rows.filter((r) => /Incorrect type/.test(r)).length, 1, `only the Thaw config has a schema problem: ${JSON.stringify(rows)}`);
  });

  it('refuses Start with the path-qualified error and opens the file at its line', async function () {
    this.timeout(300_000);
    const e = opened.editor;
    await e.runCommand('Migration: Start');
    const message = await e.waitForNotification(/config\.json is invalid: parallel_threads: /, 90_000);
    assert.match(message, new RegExp(`\\(line ${invalidLine}\\)`), message);
    await docScreenshot(e, 'config-start-error');
    const rows = await opened.world.fixture.query(`SELECT to_regclass('migration_status.migration_runs') AS t`);
    assert.deepEqual(rows, [{ t: null }], 'nothing was written for an invalid config');
    await e.clickNotificationButton(/config\.json is invalid/, `Open at Line ${invalidLine}`);
    await waitVisible(e, 'config.json as the active tab', e.page.locator('.tabs-container .tab.active', { hasText: 'config.json' }));
    await waitVisible(e, `the cursor on line ${invalidLine}`, e.page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${invalidLine},`) }));
  });

  it('"Migration: Create Config" writes a starter config that names Thaw\'s schema', async function () {
    this.timeout(120_000);
    const e = opened.editor;
    await e.runCommand('Migration: Create Config');
    await answerPrompt(e, /^File name/, '');
    await waitVisible(e, 'the new config in an editor tab', e.page.locator('.tabs-container .tab.active', { hasText: 'migration.thaw.json' }));
    const text = await readFile(join(opened.world.folder, 'migration.thaw.json'), 'utf8');
    assert.match(text, /"\$schema": "thaw:\/\/schema\/thaw-config\.schema\.json"/);
    assert.match(text, /"password": "\$\{env:SNOWFLAKE_PASSWORD\}"/);
  });
});
