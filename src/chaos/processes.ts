// The processes of one chaos iteration: every `thaw` CLI it launched on the run (the start, the
// processes that joined, the resumes), their engine workers (children of the CLI), and the
// workers left behind by a CLI killed alone. The chaos run kills them with SIGKILL, as a crash would.
import { execFileSync } from 'node:child_process';
import { startCli, type CliProcess, type CliResult } from '../../test/support/cli';

export interface Invocation {
  /** `start`, `join #2`, `resume #3`: how the fault log names it. */
  label: string;
  cli: CliProcess;
  result?: CliResult;
}

/** Signals a process that may already be gone; true when it was still there. */
export function kill(pid: number, signal: NodeJS.Signals | 0 = 'SIGKILL'): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  return kill(pid, 0);
}

export class RunProcesses {
  readonly invocations: Invocation[] = [];
  /** Workers whose CLI was killed alone: they outlive it for a while. */
  private readonly orphans = new Set<number>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  launch(label: string, args: string[]): Invocation {
    const invocation: Invocation = { label: `${label} #${this.invocations.length + 1}`, cli: startCli(args, this.env) };
    void invocation.cli.done.then((result) => (invocation.result = result));
    this.invocations.push(invocation);
    return invocation;
  }

  live(): Invocation[] {
    return this.invocations.filter((i) => !i.result);
  }

  liveOrphans(): number[] {
    for (const pid of this.orphans) if (!alive(pid)) this.orphans.delete(pid);
    return [...this.orphans];
  }

  /** The worker of a CLI once it has forked it (a CLI just launched may not have yet). */
  async workerPids(invocation: Invocation, waitMs = 3000): Promise<number[]> {
    const until = Date.now() + waitMs;
    for (;;) {
      const pid = invocation.cli.child.pid;
      const children = pid !== undefined && !invocation.result ? childPids(pid) : [];
      if (children.length > 0 || invocation.result || Date.now() > until) return children;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills a CLI alone: its worker, cut off from it, is left to notice by itself. */
  async killCli(invocation: Invocation): Promise<void> {
    for (const pid of await this.workerPids(invocation, 0)) this.orphans.add(pid);
    kill(invocation.cli.child.pid!);
    await invocation.cli.done;
  }

  /** Kills every process of the run, orphans included, and waits until the CLIs are gone. */
  async killAll(): Promise<number> {
    const killed = this.killAllNow();
    await this.settled();
    return killed;
  }

  /** Kills every process of the run at once, without waiting: also usable while the process is exiting. */
  killAllNow(): number {
    let killed = 0;
    for (const invocation of this.live()) {
      const cli = invocation.cli.child.pid!;
      for (const pid of childPids(cli)) if (kill(pid)) killed++;
      if (kill(cli)) killed++;
    }
    for (const pid of this.liveOrphans()) if (kill(pid)) killed++;
    return killed;
  }

  /** Waits until every CLI launched so far has exited. */
  async settled(): Promise<void> {
    await Promise.all(this.invocations.map((i) => i.cli.done));
  }
}

/**
 * A CLI's worker is its child (forked). Synchronous, so that it also serves Ctrl-C while the
 * process exits.
 */
function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}
