// The worker's garbage is mostly the driver's result chunks: each arrives as one multi-MB string
// (two bytes a character once a value is not Latin-1) and becomes an array of rows. V8 puts such
// strings in its large-object space, which only a full GC frees, and when full GCs are cheap it
// lets the heap grow to up to four times what survived the last one before running the next. A
// worker streaming four chunks with ~100 MB live thus peaked near 600 MB RSS. A fixed growth
// factor keeps the next full GC close to what is live, without a hard cap that a bigger live set
// (more threads, Snowflake's larger chunks) could run into. Only the query path makes such garbage:
// on the unload path (Buffers outside the heap) the bound only added collections, and the
// worker's CPU per row rose from 3.8 to 6.0 µs in `npm run bench` (files staged), so a worker sets
// it with its first query-path chunk.
import { setFlagsFromString } from 'node:v8';

/** The heap may grow by this much over what survived the last full GC before the next one. */
export const HEAP_GROWING_PERCENT = 50;

/** Applies to the whole process; the growth factor is read at every GC, so setting it late works. Idempotent. */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
