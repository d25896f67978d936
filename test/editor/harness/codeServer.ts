// A code-server (a real VS Code server + web workbench) with a throwaway profile in which the
// built .vsix is installed, listening on a free port of 127.0.0.1 without authentication.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/ports';
import type { EditorTools } from './install';

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Where the .vsix was installed: the extension as the editor loads it. */
  extensionDir: string;
  /** code-server's own log (server and extension host output). */
  logPath: string;
  stop(): Promise<void>;
}

// Settings that keep first-run dialogs, trust prompts and network calls out of the way.
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
};

export async function startCodeServer(options: { tools: EditorTools; vsix: string; env?: NodeJS.ProcessEnv }): Promise<CodeServer> {
  const root = await mkdtemp(join(tmpdir(), 'thaw-editor-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await writeFile(join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PATH: `${options.tools.nodeBinDir}:${process.env.PATH ?? ''}`,
    // code-server writes its config and caches under these; keep them out of ~.
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
  };
  const profile = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const logPath = join(root, 'code-server.log');
  const log = createWriteStream(logPath);

  const install = await exited(spawnLogged(options.tools.codeServer, [...profile, '--install-extension', options.vsix], env, log));
  const extension = (await readdir(extensionsDir).catch(() => [] as string[])).find((d) => d.startsWith('thaw.thaw-'));
  if (install !== 0 || !extension) {
    throw new Error(`code-server --install-extension ${options.vsix} failed (exit ${install}); log ${logPath}:\n${await tail(logPath)}`);
  }

  const port = await freePort();
  const server = spawnLogged(
    options.tools.codeServer,
    [
      ...profile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    env,
    log,
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      process.kill(-server.pid!, 'SIGTERM');
      await exited(server);
    }
    log.end();
    await rm(root, { recursive: true, force: true });
  };
  try {
    await waitHealthy(origin, server, logPath);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, origin, extensionDir: join(extensionsDir, extension), logPath, stop };
}

function spawnLogged(file: string, args: string[], env: NodeJS.ProcessEnv, log: NodeJS.WritableStream): ChildProcess {
  // Its own process group, so stop() also ends the extension hosts and the engine workers.
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function tail(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n').slice(-40).join('\n');
}

async function waitHealthy(origin: string, server: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode} while starting; log ${logPath}:\n${await tail(logPath)}`);
    const ok = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within 60 s; log ${logPath}:\n${await tail(logPath)}`);
}
