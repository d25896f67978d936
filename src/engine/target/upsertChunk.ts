// UPSERT mode (insert_only_mode false): a chunk is COPYed into a temporary staging table, then
// merged with INSERT ... ON CONFLICT (primary key) DO UPDATE ... WHERE the row changed, inside the
// chunk's transaction (loadChunk), so its completed mark commits with the merge. Rows whose values
// did not change are not rewritten: no new row version, no WAL, their xmin stays.
import pg from 'pg';
import { DataError, type ErrorContext } from '../errors';

/** How a table's rows are matched: target column names of the primary key and of the watermark. */
export interface UpsertKey {
  key: string[];
  /** target_watermark: among rows of one key in a chunk, the highest wins. Null: duplicates are an error. */
  watermark: string | null;
}

const STAGE = pg.escapeIdentifier('thaw_stage');

/** Creates the staging table for this transaction (dropped at COMMIT/ROLLBACK); returns its name. */
export async function createStage(client: pg.ClientBase, target: string, columns: readonly string[]): Promise<string> {
  const list = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  await client.query(`CREATE TEMP TABLE ${STAGE} ON COMMIT DROP AS SELECT ${list} FROM ${target} WITH NO DATA`);
  return STAGE;
}

/**
 * Merges the staged rows into `target`. Several rows of one key in the chunk: the one with the
 * latest watermark wins; two with the same (highest or not) watermark cannot be ordered, and fail
 * the chunk naming the key.
 */
export async function mergeStage(
  client: pg.ClientBase,
  target: string,
  columns: readonly string[],
  upsert: UpsertKey,
  context: ErrorContext,
): Promise<void> {
  const q = (c: string) => pg.escapeIdentifier(c);
  const keys = upsert.key.map(q).join(', ');
  const ties = upsert.watermark ? `${keys}, ${q(upsert.watermark)}` : keys;
  const tie = await client.query<Record<string, unknown>>(
    `SELECT ${ties}, count(*) AS n FROM ${STAGE} GROUP BY ${ties} HAVING count(*) > 1 LIMIT 1`,
  );
  const duplicate = tie.rows[0];
  if (duplicate) {
    const key = upsert.key.map((k) => `${k}=${String(duplicate[k])}`).join(', ');
    throw new DataError(
      upsert.watermark
        ? `${duplicate.n} source rows of the chunk have primary key (${key}) and the same ${upsert.watermark} ${String(duplicate[upsert.watermark])}: which one is latest cannot be decided`
        : `${duplicate.n} source rows of the chunk have primary key (${key}), and without a target_watermark which one wins cannot be decided`,
      { ...context, key },
    );
  }
  const list = columns.map(q).join(', ');
  const others = columns.filter((c) => !upsert.key.includes(c));
  const latest = upsert.watermark ? `, ${q(upsert.watermark)} DESC NULLS LAST` : '';
  const onConflict =
    others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${others.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')}
         WHERE (${others.map((c) => `t.${q(c)}`).join(', ')}) IS DISTINCT FROM (${others.map((c) => `EXCLUDED.${q(c)}`).join(', ')})`;
  await client.query(
    `INSERT INTO ${target} AS t (${list})
     SELECT DISTINCT ON (${keys}) ${list} FROM ${STAGE} ORDER BY ${keys}${latest}
     ON CONFLICT (${keys}) ${onConflict}`,
  );
}
