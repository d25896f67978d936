// What every part of a worker's share of a run (claim, load, heartbeat, tune, report) shares:
// the session, who this worker is, how it reports, and the retry policy.
import { randomBytes } from 'node:crypto';
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
    workerId: `${host}:${process.pid}:${randomBytes(3).toString('hex')}`,
    policy: { maxAttempts: config.max_attempts, baseDelayMs: config.retry_delay_seconds * 1000, maxDelayMs: 300_000 },
    emit,
    log: (level, message, context) => emit(Events.log, { level, message, context: { runId, ...context } }),
  };
}
