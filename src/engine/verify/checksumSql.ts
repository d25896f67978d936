// The two aggregate queries of `thaw verify`, one per database: per partition value, the row
// count and the sum of a 64-bit hash of each row's canonical text (canonical.ts). Each is one scan
// of the table inside its own database; only one row per partition value comes back.
//
// The hash is the upper 64 bits of MD5, read as an unsigned number: Snowflake's
// MD5_NUMBER_UPPER64, and in PostgreSQL the first 16 hex digits of md5() as bit(64), made
// unsigned. Sums stay exact: 272M rows × 2^64 < 10^28, within NUMBER(38,0) and numeric.
import pg from 'pg';
import type { Statement, SourceTable } from '../source';
import { tableReference } from '../source';
import type { SourceColumn } from '../types/model';
import { boundaryText, quoteIdent } from '../types/render';
import { sourceCanonicalRow, targetCanonicalRow, type CanonicalColumn } from './canonical';

/** 8. Row count and checksum per partition value of the source (one row without a partition column). */
export function sourceChecksumStatement(table: SourceTable, columns: readonly SourceColumn[], partition: SourceColumn | undefined): Statement {
  const measures = `COUNT(*) AS "ROW_COUNT", TO_VARCHAR(SUM(MD5_NUMBER_UPPER64(${sourceCanonicalRow(columns)}))) AS "CHECKSUM"`;
  const ref = tableReference(table);
  if (!partition) return { sql: `SELECT ${measures} FROM ${ref}`, binds: [] };
  const p = quoteIdent(partition.name);
  return {
    sql: `SELECT ${boundaryText(partition, p)} AS "PARTITION_VALUE", ${p} IS NULL AS "PARTITION_IS_NULL", ${measures} FROM ${ref} GROUP BY ${p} ORDER BY 2, 1`,
    binds: [],
  };
}

/** A partition value in PostgreSQL as text equal to the source's boundaryText of it. */
function targetPartitionText(partition: CanonicalColumn): string {
  const c = pg.escapeIdentifier(partition.targetName);
  switch (partition.source.type) {
    case 'DATE':
      return `to_char(${c}, 'YYYY-MM-DD')`;
    case 'TIMESTAMP_NTZ':
      // The source renders nine fractional digits; PostgreSQL holds six.
      return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US') || '000'`;
    default:
      return `${c}::text`;
  }
}

/** The same measures over the target table. */
export function targetChecksumQuery(target: string, columns: readonly CanonicalColumn[], partition: CanonicalColumn | undefined): string {
  const hash = `('x' || left(md5(${targetCanonicalRow(columns)}), 16))::bit(64)::bigint`;
  const measures = `count(*) AS row_count, (sum(h) + 18446744073709551616 * count(*) FILTER (WHERE h < 0))::text AS checksum`;
  if (!partition) return `SELECT ${measures} FROM (SELECT ${hash} AS h FROM ${target}) s`;
  const p = pg.escapeIdentifier(partition.targetName);
  return `SELECT ${targetPartitionText(partition).replaceAll(p, 'p')} AS partition_value, p IS NULL AS partition_is_null, ${measures}
          FROM (SELECT ${p} AS p, ${hash} AS h FROM ${target}) s GROUP BY p`;
}
