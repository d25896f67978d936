// `thaw tune --batch-size`: the chunks nobody has claimed yet are cut again with the new size, at
// the run's snapshot, in one aggregated query per table. Within a partition, chunks are claimed in
// split order (chunk ids follow it), so the unclaimed ones are a tail: [first unclaimed low, end).
// Chunks already claimed, retried or loaded keep their boundaries, and so do NULL-split chunks,
// whose size does not depend on the batch size.
import { planChunks, type PlanPart } from '../source';
import {
  getRunTables,
  holdUnclaimedChunks,
  listChunks,
  releaseHeldChunks,
  replaceUnclaimedChunks,
  type ChunkRecord,
  type RunRecord,
} from '../state';
import { loadRunTables } from '../run/startRun';
import { withClient, type Session } from '../session';

/** Long enough for one aggregated plan query; lapses by itself if this process dies. */
const HOLD_SECONDS = 600;

interface Tail {
  part: PlanPart;
  chunkIds: number[];
}

/** The unclaimed tail of each partition's chunks, in chunk-id order. */
function unclaimedTails(chunks: ChunkRecord[]): Tail[] {
  const partitions = new Map<string, ChunkRecord[]>();
  for (const c of chunks) {
    if (c.splitIsNull) continue;
    const key = c.partitionIsNull ? 'null' : `value:${c.partitionValue ?? ''}`;
    partitions.set(key, [...(partitions.get(key) ?? []), c]);
  }
  const tails: Tail[] = [];
  for (const group of partitions.values()) {
    let first = group.length;
    while (first > 0 && group[first - 1]!.status === 'pending' && group[first - 1]!.attempts === 0) first--;
    if (first === group.length) continue;
    const tail = group.slice(first);
    tails.push({
      part: { partitionIsNull: tail[0]!.partitionIsNull, partitionValue: tail[0]!.partitionValue, splitFrom: first === 0 ? null : tail[0]!.splitLow },
      chunkIds: tail.map((c) => c.chunkId),
    });
  }
  return tails;
}

/** Returns the number of chunks the re-planned parts have now. */
export async function replanUnclaimedChunks(session: Session, run: RunRecord, batchSize: number): Promise<number> {
  const { pool, statusSchema } = session;
  const prepared = await loadRunTables(session, run.runId);
  let replanned = 0;
  for (const record of await getRunTables(pool, statusSchema, run.runId)) {
    if (record.status === 'completed' || record.status === 'failed') continue;
    const listTails = async () =>
      unclaimedTails(await listChunks(pool, statusSchema, run.runId, { tableOrdinal: record.tableOrdinal, limit: Number.MAX_SAFE_INTEGER }));
    const candidates = (await listTails()).flatMap((t) => t.chunkIds);
    if (candidates.length === 0) continue;
    // Workers keep claiming meanwhile: hold the tails, then re-read what is still unclaimed.
    const held = await holdUnclaimedChunks(pool, statusSchema, run.runId, candidates, HOLD_SECONDS);
    try {
      const tails = (await listTails()).filter((t) => t.chunkIds.every((id) => held.includes(id)));
      if (tails.length === 0) continue;
      const table = prepared.tables.get(record.tableOrdinal)!;
      const cut = await planChunks(session.source, table.sourceTable, {
        partition: table.partition,
        split: table.split,
        batchSize,
        snapshot: prepared.snapshot,
        since: table.since,
        only: tails.map((t) => t.part),
      });
      const replaced = await withClient(session, (client) =>
        replaceUnclaimedChunks(client, statusSchema, run.runId, record.tableOrdinal, tails.flatMap((t) => t.chunkIds), cut),
      );
      if (replaced) replanned += cut.length;
    } finally {
      // Whatever was held and not replaced goes back to the queue.
      await releaseHeldChunks(pool, statusSchema, run.runId, held);
    }
  }
  return replanned;
}
