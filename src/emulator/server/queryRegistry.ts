// Queries the emulator has run: each runs in the background into its own spool; its answer (or
// error) stays available for GET /queries/<id>/result and its chunk files until the session ends,
// the result expires, or the emulator closes.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ResultSpool, type SpoolLimits } from '../results/resultSpool';
import type { EmulatorDatabase } from '../db/database';
import { canceledError, fromDuckDbError, type SnowflakeSqlError } from '../db/sqlErrors';
import { runStatement, type BindValue, type StatementOutcome } from '../db/statementRunner';
import { runStageStatement, type StageContext } from '../stage/stageStatements';
import type { ParameterList } from './sessions';

export type QueryStatus = 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR' | 'ABORTED';

export interface QueryRecord {
  id: string;
  sessionId: string;
  requestId: string | null;
  sqlText: string;
  parameters: ParameterList;
  status: QueryStatus;
  spool: ResultSpool;
  outcome: StatementOutcome | null;
  error: SnowflakeSqlError | null;
  done: Promise<void>;
  lastUsed: number;
  interrupt: (() => void) | null;
}

export class QueryRegistry {
  private readonly queries = new Map<string, QueryRecord>();

  constructor(
    private readonly db: EmulatorDatabase,
    private readonly spoolDir: string,
    private readonly limits: SpoolLimits,
    private readonly stage: StageContext,
  ) {}

  start(sessionId: string, requestId: string | null, sqlText: string, binds: BindValue[][], parameters: ParameterList): QueryRecord {
    const id = randomUUID();
    const record: QueryRecord = {
      id,
      sessionId,
      requestId,
      sqlText,
      parameters,
      status: 'RUNNING',
      spool: new ResultSpool(join(this.spoolDir, id), this.limits, parameters.find((p) => p.name === 'CLIENT_RESULT_CHUNK_SIZE')?.value),
      outcome: null,
      error: null,
      done: Promise.resolve(),
      lastUsed: Date.now(),
      interrupt: null,
    };
    this.queries.set(id, record);
    record.done = (async () => {
      try {
        const staged = await runStageStatement(this.stage, this.db, sqlText, binds, record.spool);
        record.outcome =
          staged && 'outcome' in staged
            ? staged.outcome
            : await runStatement(this.db, staged?.sql ?? sqlText, binds, record.spool, { onInterruptible: (fn) => (record.interrupt = fn) });
        await record.spool.finish();
        record.status = record.status === 'ABORTED' ? 'ABORTED' : 'SUCCESS';
        if (record.status === 'ABORTED') record.error = canceledError();
      } catch (err) {
        record.error = record.status === 'ABORTED' ? canceledError() : fromDuckDbError(err);
        if (record.status !== 'ABORTED') record.status = 'FAILED_WITH_ERROR';
        await record.spool.dispose();
      } finally {
        record.interrupt = null;
        record.lastUsed = Date.now();
      }
    })();
    return record;
  }

  get(id: string): QueryRecord | undefined {
    const record = this.queries.get(id);
    if (record) record.lastUsed = Date.now();
    return record;
  }

  /** Cancels the running query started by `requestId` (the driver's abort-request names it so). */
  abort(requestId: string): boolean {
    for (const record of this.queries.values()) {
      if (record.requestId === requestId && record.status === 'RUNNING') {
        record.status = 'ABORTED';
        record.interrupt?.();
        return true;
      }
    }
    return false;
  }

  async disposeSession(sessionId: string): Promise<void> {
    await Promise.all([...this.queries.values()].filter((q) => q.sessionId === sessionId).map((q) => this.dispose(q)));
  }

  /** Drops finished results not used for `ttlMs`. */
  async expire(ttlMs: number): Promise<void> {
    const cutoff = Date.now() - ttlMs;
    await Promise.all([...this.queries.values()].filter((q) => q.status !== 'RUNNING' && q.lastUsed < cutoff).map((q) => this.dispose(q)));
  }

  async disposeAll(): Promise<void> {
    for (const q of this.queries.values()) q.interrupt?.();
    await Promise.all([...this.queries.values()].map((q) => this.dispose(q)));
  }

  private async dispose(record: QueryRecord): Promise<void> {
    this.queries.delete(record.id);
    record.interrupt?.();
    await record.done;
    await record.spool.dispose();
  }
}
