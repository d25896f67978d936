// What every part of a worker's share of a run (claim, load, heartbeat, tune, report) shares:
// the session, who this worker is, how it reports, and the retry policy.
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { Events } from '../../protocol/engine';
import type { Emit } from '../emit';
import type { Session } from '../session';
import type { RetryPolicy } from '../state';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogContext = Record<string, string | number | undefined>;

export interface RunContext {
  session: Session;
  runId: string;
  workerId: string;
  host: string;
  /** Which pids this process's pid is one of: containers sharing a host name each have their own. */
  pidNamespace: string | null;
  policy: RetryPolicy;
  emit: Emit;
  log(level: LogLevel, message: string, context?: LogContext): void;
}

export function createRunContext(session: Session, runId: string, emit: Emit): RunContext {
  const { config } = session;
  const host = hostname();
  return {
    session,
    runId,
    host,
    pidNamespace: readPidNamespace(),
    workerId: `${host}:${process.pid}:${randomBytes(3).toString('hex')}`,
    policy: { maxAttempts: config.max_attempts, baseDelayMs: config.retry_delay_seconds * 1000, maxDelayMs: 300_000 },
    emit,
    log: (level, message, context) => emit(Events.log, { level, message, context: { runId, ...context } }),
  };
}

/** Linux names a process's pid namespace by /proc/self/ns/pid's link; other systems have none. */
function readPidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}
