// Worker processes announce themselves, heartbeat, and sign off. The heartbeat carries the run's
// tunables back, so a worker learns of a new thread count or a stop within one beat.
import { RefusedError } from '../errors';
import { statusTables, type Queryable } from './db';
import { toWorkerRecord, type WorkerRecord } from './records';
import type { RunState } from './states';

export interface WorkerIdentity {
  workerId: string;
  runId: string;
  host: string;
  pid: number;
  /** Which pids `pid` is one of (see migration 000006); null where the system does not say. */
  pidNamespace?: string | null;
  threads: number;
}

export async function registerWorker(db: Queryable, schema: string, worker: WorkerIdentity): Promise<WorkerRecord> {
  const { rows } = await db.query(
    `INSERT INTO ${statusTables(schema).workers} (worker_id, run_id, host, pid, threads, pid_namespace)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (worker_id) DO UPDATE
       SET run_id = excluded.run_id, host = excluded.host, pid = excluded.pid, threads = excluded.threads,
           pid_namespace = excluded.pid_namespace, status = 'running', heartbeat_at = now(), stopped_at = NULL
     RETURNING *`,
    [worker.workerId, worker.runId, worker.host, worker.pid, worker.threads, worker.pidNamespace ?? null],
  );
  return toWorkerRecord(rows[0]!);
}

export interface HeartbeatReply {
  /** False when another process declared this worker dead and took its chunks back. */
  alive: boolean;
  runStatus: RunState;
  stopRequested: boolean;
  parallelThreads: number;
  batchSize: number;
  /** In-progress chunks of this worker whose heartbeat was renewed. */
  chunksRenewed: number;
}

/**
 * Renews the worker's heartbeat and that of its in-progress chunks, records its memory and
 * threads, and returns the run's tunables. A worker found dead stays dead: it must stop
 * loading (its completions would fail their fence anyway) and register again to go on.
 */
export async function heartbeatWorker(
  db: Queryable,
  schema: string,
  beat: { workerId: string; runId: string; rssMb: number; threads: number },
): Promise<HeartbeatReply> {
  const t = statusTables(schema);
  const { rows } = await db.query(
    `WITH me AS (
       UPDATE ${t.workers} SET heartbeat_at = now(), rss_mb = $3, threads = $4
       WHERE worker_id = $1 AND status = 'running'
       RETURNING worker_id
     ), chunks AS (
       UPDATE ${t.chunks} c SET heartbeat_at = now()
       FROM me
       WHERE c.run_id = $2 AND c.status = 'in_progress' AND c.worker_id = me.worker_id
       RETURNING 1
     )
     SELECT r.status, r.stop_requested, r.parallel_threads, r.batch_size,
            EXISTS (SELECT 1 FROM me) AS alive, (SELECT count(*) FROM chunks) AS renewed
     FROM ${t.runs} r WHERE r.run_id = $2`,
    [beat.workerId, beat.runId, Math.round(beat.rssMb), beat.threads],
  );
  const r = rows[0];
  if (!r) throw new RefusedError(`run ${beat.runId} does not exist`, { runId: beat.runId });
  return {
    alive: Boolean(r.alive),
    runStatus: r.status,
    stopRequested: Boolean(r.stop_requested),
    parallelThreads: Number(r.parallel_threads),
    batchSize: Number(r.batch_size),
    chunksRenewed: Number(r.renewed),
  };
}

/** A clean exit: the worker holds no chunk any more. */
export async function markWorkerStopped(db: Queryable, schema: string, workerId: string): Promise<void> {
  await db.query(
    `UPDATE ${statusTables(schema).workers} SET status = 'stopped', stopped_at = now(), heartbeat_at = now()
     WHERE worker_id = $1 AND status = 'running'`,
    [workerId],
  );
}

export interface ReclaimOptions {
  runId: string;
  /** A worker (and a chunk) whose heartbeat is older than this is dead. */
  heartbeatTimeoutMs: number;
  /** This process's host and pid namespace: workers registered with both are checked by pid too. */
  host: string;
  pidNamespace?: string | null;
  isPidAlive: (pid: number) => boolean;
  /** A reclaimed chunk that already had this many claims fails instead of going back to pending. */
  maxAttempts: number;
}

/** A chunk whose state a reclaim (or a hand-back) changed: what a view must hear about. */
export interface ChangedChunk {
  chunkId: number;
  tableOrdinal: number;
  status: 'pending' | 'failed';
  attempts: number;
  error: string | null;
}

export interface ReclaimResult {
  deadWorkers: string[];
  /** Every chunk taken back, in chunk order. */
  chunks: ChangedChunk[];
  /** Chunks back to pending. */
  requeued: number;
  /** Chunks that had used their last attempt on a worker that died. */
  failed: number;
}

/**
 * Takes back the chunks of dead workers: those whose heartbeat is stale, and those on this host
 * and in this pid namespace whose process is gone (found at once, without waiting for the timeout). Pid reuse can hide a
 * dead process; the heartbeat timeout still catches it. In-progress chunks with a stale
 * heartbeat are taken back even when their worker row is missing. Chunks failed here count in
 * their table through the trigger of sql/migrations/000002, like every other chunk change.
 */
export async function reclaimDeadWorkers(db: Queryable, schema: string, options: ReclaimOptions): Promise<ReclaimResult> {
  const t = statusTables(schema);
  const local = await db.query<{ worker_id: string; pid: number }>(
    `SELECT worker_id, pid FROM ${t.workers}
     WHERE run_id = $1 AND host = $2 AND pid_namespace IS NOT DISTINCT FROM $3 AND status = 'running'`,
    [options.runId, options.host, options.pidNamespace ?? null],
  );
  const gone = local.rows.filter((w) => !options.isPidAlive(Number(w.pid))).map((w) => w.worker_id);
  const { rows } = await db.query(
    `WITH dead AS (
       UPDATE ${t.workers} SET status = 'dead', stopped_at = now()
       WHERE run_id = $1 AND status = 'running'
         AND (heartbeat_at < now() - $2 * interval '1 millisecond' OR worker_id = ANY($3))
       RETURNING worker_id
     ), taken AS (
       UPDATE ${t.chunks} c
       SET status = CASE WHEN c.attempts >= $4 THEN 'failed' ELSE 'pending' END,
           last_error = 'worker ' || c.worker_id || ' stopped responding during attempt ' || c.attempts,
           error_code = NULL, next_attempt_at = NULL
       WHERE c.run_id = $1 AND c.status = 'in_progress'
         AND (c.heartbeat_at < now() - $2 * interval '1 millisecond' OR c.worker_id = ANY($3)
              OR c.worker_id IN (SELECT worker_id FROM dead))
       RETURNING c.chunk_id, c.table_ordinal, c.status, c.attempts, c.last_error
     )
     SELECT (SELECT array_agg(worker_id ORDER BY worker_id) FROM dead) AS dead,
            (SELECT json_agg(json_build_object('chunkId', chunk_id, 'tableOrdinal', table_ordinal, 'status', status,
                                               'attempts', attempts, 'error', last_error) ORDER BY chunk_id)
             FROM taken) AS chunks,
            (SELECT count(*) FROM taken WHERE status = 'pending') AS requeued,
            (SELECT count(*) FROM taken WHERE status = 'failed') AS failed`,
    [options.runId, options.heartbeatTimeoutMs, gone, options.maxAttempts],
  );
  const r = rows[0]!;
  return { deadWorkers: r.dead ?? [], chunks: r.chunks ?? [], requeued: Number(r.requeued), failed: Number(r.failed) };
}
