// Loads the chunks this worker claimed, one task each (chunkTask), and announces every state
// change as `chunk/stateChanged` keyed by (runId, tableOrdinal, chunkId). A failure that cannot
// be recorded yet (status tables out of reach) is kept and recorded on a later beat. A table
// whose last chunk this worker loads is finalized here (primary key, ANALYZE).
import { Events } from '../../protocol/engine';
import { errorMessage } from '../errors';
import type { Snapshot } from '../source';
import { markTableFinalized, markTableFinalizeFailed, type ChunkFailure, type ChunkRecord } from '../state';
import { addPrimaryKeyAndAnalyze } from '../target';
import { recordFailure, runChunkTask, type ChunkOutcome } from './chunkTask';
import type { ExtractPaths } from './extractPath';
import type { RunContext } from './runContext';
import type { RunTable } from './runTables';

export class ChunkLoader {
  /** Chunks being loaded now. */
  private readonly loading = new Set<number>();
  /** Failed attempts whose failure could not be written yet. */
  private readonly unrecorded = new Map<number, { chunk: ChunkRecord; failure: ChunkFailure }>();
  /** Rows this worker committed in this invocation: what its final rate is about. */
  rowsLoadedHere = 0;
  /** Tables this worker tried to finalize in this invocation. */
  private readonly finalizeTried = new Set<number>();

  constructor(
    private readonly ctx: RunContext,
    private readonly tables: Map<number, RunTable>,
    private readonly snapshot: Snapshot | undefined,
    /** Aborted to roll back the chunks in flight. */
    private readonly signal: AbortSignal,
    /** How each chunk leaves Snowflake (extractPath). */
    readonly paths: ExtractPaths,
  ) {}

  /** Chunks this worker holds: loading, or failed with the failure not recorded yet. */
  get held(): number[] {
    return [...this.loading, ...this.unrecorded.keys()];
  }

  get idle(): boolean {
    return this.loading.size === 0 && this.unrecorded.size === 0;
  }

  tableOf(tableOrdinal: number): RunTable {
    const table = this.tables.get(tableOrdinal);
    if (!table) throw new Error(`run ${this.ctx.runId} has no table ${tableOrdinal}`);
    return table;
  }

  async load(chunk: ChunkRecord): Promise<void> {
    const table = this.tableOf(chunk.tableOrdinal);
    this.loading.add(chunk.chunkId);
    try {
      this.announce(chunk, { status: 'in_progress' });
      const path = await this.paths.forChunk(chunk.rows);
      const outcome = await runChunkTask(this.ctx, chunk, table, this.snapshot, this.signal, path);
      if (outcome.status === 'completed' && path.kind === 'unload') this.paths.removeCommitted(path.stage, chunk.chunkId);
      await this.settle(chunk, table, outcome);
    } finally {
      this.loading.delete(chunk.chunkId);
    }
  }

  /** Records the failures that could not be written before; stops at the first that still cannot. */
  async recordPending(): Promise<void> {
    for (const [chunkId, { chunk, failure }] of this.unrecorded) {
      const outcome = await recordFailure(this.ctx, chunk, failure);
      if (outcome.status === 'unrecorded') return;
      this.unrecorded.delete(chunkId);
      await this.settle(chunk, this.tableOf(chunk.tableOrdinal), outcome);
    }
  }

  /**
   * Adds the primary key and analyzes a table Thaw created, once all its rows are in; once per
   * invocation (a resume tries again).
   */
  async finalize(table: RunTable): Promise<void> {
    if (this.finalizeTried.has(table.ordinal)) return;
    this.finalizeTried.add(table.ordinal);
    const { pool, statusSchema } = this.ctx.session;
    try {
      await addPrimaryKeyAndAnalyze(pool, table.target.schema, table.target.table, table.primaryKey);
      await markTableFinalized(pool, statusSchema, this.ctx.runId, table.ordinal);
    } catch (err) {
      // The rows are all there, but a key that cannot be added (duplicates in the source) keeps
      // the run from ending `completed`: finishRun reads this record.
      const message = errorMessage(err);
      await markTableFinalizeFailed(pool, statusSchema, this.ctx.runId, table.ordinal, message);
      this.ctx.log('error', `all rows loaded, but ${message}`, { table: `${table.target.schema}.${table.target.table}`, tableOrdinal: table.ordinal });
    }
  }

  private async settle(chunk: ChunkRecord, table: RunTable, outcome: ChunkOutcome): Promise<void> {
    const where = { table: table.sourceTable.table, tableOrdinal: table.ordinal, chunkId: chunk.chunkId };
    switch (outcome.status) {
      case 'completed':
        this.rowsLoadedHere += outcome.rows;
        this.announce(chunk, { status: 'completed', rows: outcome.rows });
        if (outcome.tableStatus === 'completed') {
          if (table.createdTable) await this.finalize(table);
          this.ctx.emit(Events.tableStateChanged, { runId: this.ctx.runId, tableOrdinal: table.ordinal, sourceTable: table.sourceTable.table, status: 'completed' });
        }
        return;
      case 'unrecorded':
        this.unrecorded.set(chunk.chunkId, { chunk, failure: outcome.failure });
        this.ctx.log('warn', `chunk ${chunk.chunkId} failed (${outcome.error}) and its failure could not be recorded yet (${outcome.cause})`, where);
        return;
      case 'lost':
        this.ctx.log('warn', `chunk ${chunk.chunkId} was taken back by another worker: ${outcome.error}`, where);
        return;
      case 'pending':
      case 'failed': {
        this.announce(chunk, { status: outcome.status, error: outcome.error, errorCode: outcome.code ?? undefined });
        const retry = outcome.status === 'pending' ? ' (will be retried)' : '';
        this.ctx.log(outcome.status === 'failed' ? 'error' : 'warn', `chunk ${chunk.chunkId} attempt ${chunk.attempts}${retry}: ${outcome.error}`, where);
        return;
      }
    }
  }

  private announce(chunk: ChunkRecord, change: { status: ChunkRecord['status']; rows?: number; error?: string; errorCode?: string }): void {
    this.ctx.emit(Events.chunkStateChanged, { runId: this.ctx.runId, tableOrdinal: chunk.tableOrdinal, chunkId: chunk.chunkId, attempts: chunk.attempts, ...change });
  }
}
