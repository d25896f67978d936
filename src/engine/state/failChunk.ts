// Records a chunk's failure, fenced on the claim like completion. A transient failure puts the
// chunk back to pending behind an exponential backoff computed by the database (so every worker
// on every host agrees on when it is due); a terminal one, or the last allowed attempt, fails it
// (and its table counts it, by the trigger of sql/migrations/000002).
import { errorMessage, ThawError } from '../errors';
import type { ChunkClaim } from './completeChunk';
import { statusTables, type Queryable } from './db';
import type { ChunkState } from './states';

export interface RetryPolicy {
  /** Claims a chunk may have; the failure of the last one fails the chunk. */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubled per further attempt. */
  baseDelayMs: number;
  /** Longest wait between attempts. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 5, baseDelayMs: 5_000, maxDelayMs: 300_000 });

export interface ChunkFailure {
  /** Shown to users and stored: must never hold a secret. */
  message: string;
  /** SQLSTATE or Snowflake error code, when a database raised it. */
  code: string | null;
  retryable: boolean;
}

/** Stored error texts are cut here: a status row is no place for a megabyte of stack. */
const MAX_ERROR_LENGTH = 4000;

/**
 * How an error is recorded. Transient is decided explicitly: Thaw's typed errors carry the verdict
 * of their SQLSTATE, Snowflake code or socket error. A load the host aborted is loaded again.
 * Anything else (a TypeError, an error nobody classified) would fail the same way on every
 * attempt, so it fails the chunk at once instead of costing max_attempts backoffs.
 */
export function chunkFailureFrom(err: unknown): ChunkFailure {
  if (err instanceof ThawError) return { message: err.describe(), code: err.context.code ?? null, retryable: err.retryable };
  if (err instanceof Error && err.name === 'AbortError') return { message: 'the load was aborted by its worker', code: null, retryable: true };
  return { message: errorMessage(err), code: null, retryable: false };
}

export interface FailOutcome {
  status: Extract<ChunkState, 'pending' | 'failed'>;
  /** When a pending chunk may be claimed again. */
  nextAttemptAt: Date | null;
  attempts: number;
}

/**
 * Returns null when the claim was already taken back (nothing recorded: the chunk is someone
 * else's now). Delay after attempt n: min(baseDelayMs * 2^(n-1), maxDelayMs).
 */
export async function failChunk(
  db: Queryable,
  schema: string,
  claim: ChunkClaim,
  failure: ChunkFailure,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<FailOutcome | null> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `UPDATE ${t.chunks} c
     SET status = CASE WHEN $5 OR c.attempts >= $6 THEN 'failed' ELSE 'pending' END,
         next_attempt_at = CASE WHEN $5 OR c.attempts >= $6 THEN NULL
           ELSE now() + least($7::float8 * power(2, c.attempts - 1), $8::float8) * interval '1 millisecond' END,
         last_error = $9, error_code = $10, heartbeat_at = now()
     WHERE c.run_id = $1 AND c.chunk_id = $2 AND c.status = 'in_progress' AND c.worker_id = $3 AND c.attempts = $4
     RETURNING c.status, c.next_attempt_at, c.attempts`,
    [
      claim.runId,
      claim.chunkId,
      claim.workerId,
      claim.attempt,
      !failure.retryable,
      policy.maxAttempts,
      policy.baseDelayMs,
      policy.maxDelayMs,
      failure.message.slice(0, MAX_ERROR_LENGTH),
      failure.code,
    ],
  );
  const row = rows[0];
  if (!row) return null;
  return { status: row.status, nextAttemptAt: row.next_attempt_at, attempts: Number(row.attempts) };
}
