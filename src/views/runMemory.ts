// The runs this window's worker was executing, kept in workspaceState. A window reload ends the
// extension host and with it the worker (it finishes its chunks in flight and exits); the next
// activation finds the run here, waits for that worker to be gone, and resumes the run, so a
// reload loses no run. A run that finished, or that the user stopped, is forgotten.
import type * as vscode from 'vscode';

export interface RememberedRun {
  runId: string;
  configPath: string;
  /** The worker that executed it: resume waits until it has exited. */
  workerPid: number | undefined;
}

const KEY = 'thaw.runsExecutedHere';

export class RunMemory {
  constructor(private readonly state: vscode.Memento) {}

  all(): RememberedRun[] {
    return this.state.get<RememberedRun[]>(KEY, []);
  }

  async remember(run: RememberedRun): Promise<void> {
    await this.state.update(KEY, [...this.all().filter((r) => r.runId !== run.runId), run]);
  }

  async forget(runId: string): Promise<void> {
    await this.state.update(KEY, this.all().filter((r) => r.runId !== runId));
  }
}

/** Resolves once no process has this pid any more (or after `timeoutMs`). */
export async function waitForExit(pid: number | undefined, timeoutMs: number): Promise<boolean> {
  if (pid === undefined) return true;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
