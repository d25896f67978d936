// The faults the chaos run injects into a migration in flight, and how each is done: real
// SIGKILLs, real processes joining the run, a real PostgreSQL restart, and the emulator's own
// fault switches (HTTP 503, dropped connections, stalls) for a few seconds, downloads cut halfway
// and session tokens expired.
import type { LocalPostgres } from '../demo/localPostgres';
import type { Emulator, FaultSettings } from '../emulator';
import type { Random } from './random';
import { kill, type RunProcesses } from './processes';

export const FAULT_KINDS = [
  'kill-worker',
  'kill-cli',
  'kill-cli-and-worker',
  'kill-all',
  'join',
  'pg-restart',
  'emulator-5xx',
  'emulator-drop',
  'emulator-stall',
  'emulator-cut',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that need a live process of the run to hit. */
export const NEEDS_LIVE_PROCESS: ReadonlySet<FaultKind> = new Set(['kill-worker', 'kill-cli', 'kill-cli-and-worker', 'kill-all']);

export interface FaultScene {
  processes: RunProcesses;
  postgres: LocalPostgres;
  emulator: Emulator;
  random: Random;
  /** The arguments of a process that joins the run. */
  joinArgs: string[];
  /** The emulator's settings between faults (a small delay per response, so runs last). */
  calm: Partial<FaultSettings>;
  /** Timers that end the emulator's fault windows still open. */
  windows: NodeJS.Timeout[];
}

/** Injects one fault; resolves with what was done, for the fault log. */
export async function injectFault(kind: FaultKind, scene: FaultScene): Promise<string> {
  const { processes, random } = scene;
  switch (kind) {
    case 'kill-worker': {
      const victim = random.pick(processes.live());
      const workers = await processes.workerPids(victim);
      for (const pid of workers) kill(pid);
      return `SIGKILL worker ${workers.join(', ') || '(none yet)'} of ${victim.label}`;
    }
    case 'kill-cli': {
      const victim = random.pick(processes.live());
      await processes.killCli(victim);
      return `SIGKILL CLI ${victim.cli.child.pid} (${victim.label}), its worker left running`;
    }
    case 'kill-cli-and-worker': {
      const victim = random.pick(processes.live());
      const workers = await processes.workerPids(victim, 0);
      for (const pid of workers) kill(pid);
      kill(victim.cli.child.pid!);
      await victim.cli.done;
      return `SIGKILL CLI ${victim.cli.child.pid} and worker ${workers.join(', ') || '(none yet)'} (${victim.label})`;
    }
    case 'kill-all':
      return `SIGKILL every process of the run (${await processes.killAll()} killed)`;
    case 'join': {
      const joined = processes.launch('join', scene.joinArgs);
      return `${joined.label} joins: thaw ${scene.joinArgs.filter((a) => a !== '--json').join(' ').replace(/--config \S+/, '--config …')}`;
    }
    case 'pg-restart': {
      const downMs = random.int(200, 3000);
      await scene.postgres.restart(downMs);
      return `PostgreSQL stopped (fast shutdown), down ${downMs} ms, started again`;
    }
    case 'emulator-5xx': {
      const settings = { chunkFailRate: round(random.between(0.2, 0.6)), queryFailRate: round(random.between(0.05, 0.3)), queryFailKind: 'http' as const };
      return emulatorWindow(scene, settings, `HTTP 503 on ${pct(settings.chunkFailRate)} of chunk downloads and ${pct(settings.queryFailRate)} of queries`);
    }
    case 'emulator-drop': {
      const settings = { dropRate: round(random.between(0.1, 0.4)) };
      return emulatorWindow(scene, settings, `${pct(settings.dropRate)} of connections dropped`);
    }
    case 'emulator-cut': {
      const next = random.int(1, 4);
      scene.emulator.setFaults({ cutChunksNext: next, cutDownloadsNext: next });
      scene.emulator.expireSessionTokens();
      return `the next ${next} result-chunk and stage-file downloads cut halfway, every session token expired`;
    }
    case 'emulator-stall': {
      const settings = { stallRate: round(random.between(0.2, 0.6)), stallMs: random.int(1000, 5000) };
      return emulatorWindow(scene, settings, `${pct(settings.stallRate)} of requests stalled ${settings.stallMs} ms`);
    }
  }
}

/**
 * Switches emulator faults on for one to four seconds, then back to calm. Returns at once: the run
 * goes on (and other faults may strike) while the emulator misbehaves.
 */
function emulatorWindow(scene: FaultScene, settings: Partial<FaultSettings>, what: string): string {
  const ms = scene.random.int(1000, 4000);
  scene.emulator.setFaults(settings);
  scene.windows.push(setTimeout(() => scene.emulator.setFaults(calmFaults(scene.calm)), ms));
  return `${what}, for ${ms} ms`;
}

/** Every switch the chaos run uses, off; the calm delay kept. */
export function calmFaults(calm: Partial<FaultSettings>): Partial<FaultSettings> {
  return { chunkFailRate: 0, queryFailRate: 0, dropRate: 0, stallRate: 0, ...calm };
}

const round = (n: number) => Math.round(n * 100) / 100;
const pct = (n: number) => `${Math.round(n * 100)}%`;
