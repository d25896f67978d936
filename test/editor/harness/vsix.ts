// The .vsix under test is built by the project's own packaging script, once per test process, so
// the editor tests exercise exactly what a user installs.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
let vsix: Promise<string> | undefined;

export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name: string; version: string };
  return join(process.cwd(), `${name}-${version}.vsix`);
}

/** Runs `npm run package` (once) and returns the .vsix it wrote. */
export function buildVsix(): Promise<string> {
  vsix ??= run('npm', ['run', 'package'], { maxBuffer: 16 << 20 }).then(
    () => vsixPath(),
    (err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run package failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, { cause: err });
    },
  );
  return vsix;
}
