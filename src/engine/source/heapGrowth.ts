// When full GCs are cheap V8 lets the heap grow to up to four times what survived the last one
// before running the next. A worker streaming four chunks with ~100 MB live thus peaked near 600 MB
// RSS back when snowflake-sdk held whole result chunks as strings. Thaw now streams the chunks
// itself, but the query path still makes a string per row (each row's JSON value decoded): with
// the bound, 198–213 MB peak RSS at batch 25,000 (1M rows, 4 threads), without it 236–251 MB, at
// the same CPU per row. A fixed growth factor keeps the next full GC close to what is live,
// without a hard cap that a bigger live set (more threads) could run into. On the unload path
// (Buffers outside the heap) the bound only added collections, and the worker's CPU per row rose
// from 3.8 to 6.0 µs in `npm run bench` (files staged), so a worker sets it with its first
// query-path chunk.
import { setFlagsFromString } from 'node:v8';

/** The heap may grow by this much over what survived the last full GC before the next one. */
export const HEAP_GROWING_PERCENT = 50;

/** Applies to the whole process; the growth factor is read at every GC, so setting it late works. Idempotent. */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
