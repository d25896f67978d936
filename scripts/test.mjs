// Runs the whole test suite with mocha and ends with the plain line CI reads: "N passed, N failed".
// Usage: node scripts/test.mjs [file ...]   (default: every test/**/*.test.ts)
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { keepExitCode } from './exitCode.mjs';

// Builds dist/ first (and src/generated/sql.ts): integration tests run the CLI as users do.
await import('../esbuild.config.mjs');
// Tests load snowflake-sdk directly; its AWS SDK would warn about the Node version on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();

const wanted = process.argv.slice(2);
const files = wanted.length
  ? wanted
  : readdirSync('test', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => join('test', f))
      .sort();
const mocha = new Mocha({ reporter: 'spec', timeout: 120_000, slow: 5_000 });
mocha.rootHooks((await import('../test/support/rootHooks.ts')).mochaHooks);
for (const f of files) mocha.addFile(f);
await mocha.loadFilesAsync();

let passed = 0;
let failed = 0;
const runner = mocha.run((failures) => {
  console.log(`\n${passed} passed, ${failed} failed`);
  keepExitCode(failures > 0 || passed === 0 ? 1 : 0);
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
