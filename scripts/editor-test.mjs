// The editor tests alone: every test/editor/**/*.test.ts through the suite's runner (which builds
// dist/ first). They install what they need on first use (Chromium from apt, Node 24 and
// code-server from npm, cached in ~/.cache/thaw-editor), build the .vsix with `npm run package`,
// and drive a real VS Code (code-server) in Chromium. Usage: node scripts/editor-test.mjs [file ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const wanted = process.argv.slice(2);
const files = wanted.length
  ? wanted
  : readdirSync(join('test', 'editor'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => join('test', 'editor', f))
      .sort();
const { status } = spawnSync(process.execPath, [join('scripts', 'test.mjs'), ...files], { stdio: 'inherit' });
process.exitCode = status ?? 1;
