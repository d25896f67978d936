// The extension-host test entry (extensionTestsPath): mocha inside the real editor's extension
// host, loading every *.suite.cjs bundled beside it. The same file runs under code-server (the
// payload method, scripts/editor-test.mjs) and under @vscode/test-electron
// (scripts/editor-test-electron.mjs). Results also go to $THAW_EDITOR_RESULTS as JSON, because
// under code-server the console is mixed with all of the workbench's logs.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SuiteResult {
  title: string;
  passed: boolean;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.suite.cjs')).sort()) mocha.addFile(join(__dirname, file));
  const results: SuiteResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (process.env.THAW_EDITOR_RESULTS) writeFileSync(process.env.THAW_EDITOR_RESULTS, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else if (results.length === 0) reject(new Error('no extension-host tests ran'));
      else resolve();
    });
    runner.on('pass', (test) => results.push({ title: test.fullTitle(), passed: true }));
    runner.on('fail', (test, err: Error) => results.push({ title: test.fullTitle(), passed: false, error: err.stack ?? err.message }));
  });
}
