// The state lists of runs, tables, chunks and workers: the one source of truth for the engine,
// the views and the SQL (the CHECK constraints in sql/migrations list the same names, and
// test/unit/stateLists.test.ts fails when the two drift apart). It lives in the protocol because
// every side of it speaks these names; the engine imports it, never the reverse.

export const RUN_STATES = Object.freeze(['pending', 'in_progress', 'completed', 'failed', 'stopped', 'abandoned'] as const);
export type RunState = (typeof RUN_STATES)[number];

/** Runs that may still write to their target tables: everything but completed and abandoned. */
export const OPEN_RUN_STATES = Object.freeze(['pending', 'in_progress', 'failed', 'stopped'] as const satisfies readonly RunState[]);

/** `stopped`: its run stopped (or was abandoned) before the table's chunks were all done. */
export const TABLE_STATES = Object.freeze(['pending', 'in_progress', 'completed', 'failed', 'stopped'] as const);
export type TableState = (typeof TABLE_STATES)[number];

export const CHUNK_STATES = Object.freeze(['pending', 'in_progress', 'completed', 'failed'] as const);
export type ChunkState = (typeof CHUNK_STATES)[number];

/** `dead`: another process found its heartbeat stale or its pid gone, and took its chunks back. */
export const WORKER_STATES = Object.freeze(['running', 'stopped', 'dead'] as const);
export type WorkerState = (typeof WORKER_STATES)[number];
