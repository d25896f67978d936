// ON CONFLICT (primary key) needs a unique index on exactly those columns. A target table Thaw
// creates for an upsert load gets its primary key at once; an existing one must have it already,
// or every chunk would fail: refuse at start instead (exit 2, nothing written).
import pg from 'pg';
import type { ResolvedTable } from '../config';
import { RefusedError } from '../errors';
import { qualifiedName } from '../target';

export async function requireUniqueKey(db: pg.Pool, table: ResolvedTable, key: readonly string[]): Promise<void> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_index i
       WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indpred IS NULL AND i.indnkeyatts = $3
         AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
              WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])) = (SELECT array_agg(k ORDER BY k) FROM unnest($2::text[]) k)
     ) AS found`,
    [qualifiedName(table.target_schema, table.target_table), key, key.length],
  );
  if (!rows[0]?.found) {
    throw new RefusedError(
      `${table.name} has no primary key or unique index on (${key.join(', ')}), which upserts (insert_only_mode false) match rows on: add one, e.g. ALTER TABLE ${qualifiedName(table.target_schema, table.target_table)} ADD PRIMARY KEY (${key.map((k) => pg.escapeIdentifier(k)).join(', ')})`,
      { table: table.name },
    );
  }
}
