// A user in the real editor (code-server + Chromium, the built .vsix installed): runs "Migration:
// Plan" from the Command Palette, picks the config in the quick pick, reads the plan report and
// the "Migration" output; opens an invalid *.thaw.json and finds the schema's
// diagnostic in the Problems panel. Assertions are on what the window shows.
import assert from 'node:assert/strict';
import { useEditorWorld } from '../harness';
import { waitVisible } from './migrationSteps';

const DEMO_ROWS = 2_000;

describe('editor UI: Plan from the palette, config diagnostics', function () {
  const opened = useEditorWorld('plan-and-diagnostics', {
    demoRows: DEMO_ROWS,
    // A second config, with a value the schema refuses: Plan must ask which config to use.
    prepare: async (world) => {
      await world.writeFile('invalid.thaw.json', `${JSON.stringify({ target: { host: 'localhost', ssl: 'sometimes' } }, null, 2)}\n`);
    },
  });

  it('"Migration: Plan" asks for the config, then shows the plan report and logs it in the Migration output', async function () {
    this.timeout(180_000);
    const ui = opened.editor;
    await ui.runCommand('Migration: Plan');
    await ui.pickQuickPick('config.json');
    const report = ui.page.locator('.editor .view-lines', { hasText: /Migration\splan/ });
    await waitVisible(ui, 'the plan report', report, 120_000);
    const text = await report.first().innerText();
    assert.match(text, new RegExp(`${DEMO_ROWS.toLocaleString('en-US')}\\srows\\sin\\s\\d+\\schunks`));
    assert.match(text, /FACTVISITCALLPERFORMANCE_CR\s→\sanalytics_editor\./);
    await ui.runCommand('Migration: Show Logs');
    await ui.waitForOutput(new RegExp(`planned run \\S+: ${DEMO_ROWS} rows in \\d+ chunks`));
  });

  it('an invalid value in a *.thaw.json shows the schema diagnostic in the Problems panel', async function () {
    this.timeout(180_000);
    const ui = opened.editor;
    await ui.openFile('invalid.thaw.json');
    const problem = await ui.waitForProblem(/Value is not accepted\. Valid values: "disable", "prefer", "require", "verify-full"/);
    await ui.screenshot('config diagnostics');
    assert.match(problem, /Value is not accepted/);
  });
});
