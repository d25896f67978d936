// Runs the built CLI (dist/cli.cjs) as users do, in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'cli.cjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout lines that are JSON events (with --json). */
  events: Array<Record<string, unknown> & { event: string }>;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the first --json event for which `match` is true. */
  waitForEvent(match: (e: Record<string, unknown> & { event: string }) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  done: Promise<CliResult>;
}

/** `group`: the CLI leads a process group of its own, so a test can Ctrl-C it as a terminal would. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { group?: boolean } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group ?? false });
  let stdout = '';
  let stderr = '';
  const events: CliResult['events'] = [];
  const waiters: Array<{ match: (e: CliResult['events'][number]) => boolean; resolve: (e: Record<string, unknown>) => void }> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as CliResult['events'][number];
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, events })));
  return {
    child,
    done,
    waitForEvent(match, timeoutMs = 60_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        void done.then(() => reject(new Error(`CLI exited before the event; stderr: ${stderr}`)));
      });
    },
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}
