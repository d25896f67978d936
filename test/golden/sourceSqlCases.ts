// Every statement Thaw sends to Snowflake, built for a representative table holding every type
// (and one without a partition column, and without a snapshot). test/unit/sqlGolden.test.ts keeps
// test/golden/source-sql/*.sql equal to these; the emulator's tests run the same files.
import {
  chunkStatement,
  columnsStatement,
  integerRangesStatement,
  nullCountsStatement,
  planStatement,
  sourceTimeStatement,
  tableNamesStatement,
  tableRowCountStatement,
  watermarkStatement,
  type SourceTable,
  type Statement,
} from '../../src/engine/source/sql';
import { partitionCountsStatement, sourceChecksumStatement } from '../../src/engine/verify/checksumSql';
import { createCloneStatement, dropCloneStatement, tableRetentionStatement } from '../../src/engine/source/snapshotSql';
import { cloneNameFor } from '../../src/engine/run/snapshotClones';
import { createStageStatement, presignedUrlsStatement, probeQuery, removeStatement, unloadStatement } from '../../src/engine/source/unload/stageSql';
import type { SourceColumn, SnowflakeType } from '../../src/engine/types/model';

function column(ordinal: number, name: string, type: SnowflakeType, precision: number | null = null, scale: number | null = null): SourceColumn {
  return { name, type, precision, scale, nullable: ordinal !== 1, ordinal };
}

export const EVERY_TYPE_TABLE: SourceTable = { database: 'ANALYTICS', schema: 'PUBLIC', table: 'EVERY_TYPE' };

export const EVERY_TYPE_COLUMNS: SourceColumn[] = [
  column(1, 'ID', 'NUMBER', 38, 0),
  column(2, 'VISIT_DATE', 'DATE'),
  column(3, 'SMALL_INT', 'NUMBER', 9, 0),
  column(4, 'AMOUNT', 'NUMBER', 12, 2),
  column(5, 'SCORE', 'FLOAT'),
  column(6, 'NAME', 'TEXT'),
  column(7, 'ACTIVE', 'BOOLEAN'),
  column(8, 'START_TIME', 'TIME', null, 9),
  column(9, 'CREATED_AT', 'TIMESTAMP_NTZ', null, 9),
  column(10, 'UPDATED_AT', 'TIMESTAMP_LTZ', null, 9),
  column(11, 'LOCAL_AT', 'TIMESTAMP_TZ', null, 9),
  column(12, 'PAYLOAD', 'VARIANT'),
  column(13, 'ATTRS', 'OBJECT'),
  column(14, 'TAGS', 'ARRAY'),
  column(15, 'RAW', 'BINARY'),
  column(16, 'Odd "Name"', 'TEXT'),
];

const byName = (name: string) => EVERY_TYPE_COLUMNS.find((c) => c.name === name)!;
const ID = byName('ID');
const VISIT_DATE = byName('VISIT_DATE');
const NAME = byName('NAME');
const CREATED_AT = byName('CREATED_AT');
const SNAPSHOT = '2024-05-01 12:34:56.789 +00:00';
/** The snapshot clone of EVERY_TYPE that run 20240501-123456-abcd reads. */
export const EVERY_TYPE_CLONE = cloneNameFor('20240501-123456-abcd', EVERY_TYPE_TABLE, null);
const range = { partitionIsNull: false, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows: 500 };
const STAGE = { database: 'ANALYTICS', schema: 'PUBLIC', name: 'THAW_UNLOAD_STAGE' };
const RUN = '20240501-123456-ab12';
const middleChunk = chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
  partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionValue: '2024-01-02', splitLow: '1500', splitHigh: '2000' },
});

export const SOURCE_SQL_CASES: Record<string, Statement> = {
  '01-source-time': sourceTimeStatement(),
  '02-columns': columnsStatement(EVERY_TYPE_TABLE),
  '03-table-row-count': tableRowCountStatement(EVERY_TYPE_TABLE),
  '04-integer-ranges': integerRangesStatement(EVERY_TYPE_TABLE, [ID, byName('SMALL_INT')], SNAPSHOT),
  '04-integer-ranges-no-snapshot': integerRangesStatement(EVERY_TYPE_TABLE, [ID]),
  '05-plan': planStatement(EVERY_TYPE_TABLE, { partition: VISIT_DATE, split: ID, batchSize: 500, snapshot: SNAPSHOT }),
  '05-plan-no-snapshot': planStatement(EVERY_TYPE_TABLE, { partition: VISIT_DATE, split: ID, batchSize: 500 }),
  '05-plan-no-partition': planStatement(EVERY_TYPE_TABLE, { split: ID, batchSize: 500, snapshot: SNAPSHOT }),
  '05-plan-text-partition-timestamp-split': planStatement(EVERY_TYPE_TABLE, { partition: NAME, split: CREATED_AT, batchSize: 500 }),
  '05-plan-replan-tails': planStatement(EVERY_TYPE_TABLE, {
    partition: VISIT_DATE,
    split: ID,
    batchSize: 250,
    snapshot: SNAPSHOT,
    only: [
      { partitionIsNull: false, partitionValue: '2024-01-02', splitFrom: '1500' },
      { partitionIsNull: false, partitionValue: '2024-01-03', splitFrom: null },
      { partitionIsNull: true, partitionValue: null, splitFrom: '10' },
    ],
  }),
  '05-plan-replan-no-partition': planStatement(EVERY_TYPE_TABLE, { split: ID, batchSize: 250, only: [{ partitionIsNull: false, partitionValue: null, splitFrom: '1500' }] }),
  '05-plan-incremental': planStatement(EVERY_TYPE_TABLE, {
    partition: VISIT_DATE,
    split: ID,
    batchSize: 500,
    snapshot: SNAPSHOT,
    since: { column: CREATED_AT, from: '2024-01-02 00:00:00.000000' },
  }),
  '05-plan-repair-partitions': planStatement(EVERY_TYPE_TABLE, {
    partition: VISIT_DATE,
    split: ID,
    batchSize: 500,
    snapshot: SNAPSHOT,
    only: [
      { partitionIsNull: false, partitionValue: '2024-01-02', splitFrom: null },
      { partitionIsNull: true, partitionValue: null, splitFrom: null },
    ],
    withNullSplits: true,
  }),
  '06-chunk-first': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionValue: '2024-01-02', splitHigh: '1500' },
  }),
  '06-chunk-middle': middleChunk,
  '06-chunk-last': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionValue: '2024-01-02', splitLow: '2000' },
  }),
  '06-chunk-null-split': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionValue: '2024-01-02', splitIsNull: true },
  }),
  '06-chunk-null-partition': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionIsNull: true, splitLow: '10' },
  }),
  '06-chunk-no-partition-whole': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, { split: ID, snapshot: SNAPSHOT, range }),
  '06-chunk-no-snapshot': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    split: ID, range: { ...range, splitLow: '1500', splitHigh: '2000' },
  }),
  '06-chunk-text-partition-timestamp-split': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: NAME, split: CREATED_AT, range: { ...range, partitionValue: "it's", splitLow: '2024-01-02 03:04:05.123456789', splitHigh: '2024-01-03 00:00:00.000000000' },
  }),
  '06-chunk-incremental': chunkStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, snapshot: SNAPSHOT, range: { ...range, partitionValue: '2024-02-02' },
    since: { column: CREATED_AT, from: '2024-01-02 03:04:05.123456789' },
  }),
  '07-watermark': watermarkStatement(EVERY_TYPE_TABLE, CREATED_AT, SNAPSHOT),
  '08-verify-checksum': sourceChecksumStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, { partition: VISIT_DATE }),
  '08-verify-checksum-no-partition': sourceChecksumStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS),
  '08-verify-checksum-first-range': sourceChecksumStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE,
    range: { nulls: false, low: null, high: '2024-02-02' },
    snapshot: SNAPSHOT,
  }),
  '08-verify-checksum-last-range': sourceChecksumStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE,
    range: { nulls: false, low: '2024-02-02', high: null },
    snapshot: SNAPSHOT,
  }),
  '08-verify-checksum-null-range': sourceChecksumStatement(EVERY_TYPE_TABLE, EVERY_TYPE_COLUMNS, { partition: VISIT_DATE, range: { nulls: true }, snapshot: SNAPSHOT }),
  '09-table-names': tableNamesStatement(EVERY_TYPE_TABLE),
  '10-null-counts': nullCountsStatement(EVERY_TYPE_TABLE, [ID, VISIT_DATE], SNAPSHOT),
  '11-table-retention': tableRetentionStatement(EVERY_TYPE_TABLE),
  '12-create-clone': createCloneStatement(EVERY_TYPE_CLONE, EVERY_TYPE_TABLE, SNAPSHOT),
  '12-create-clone-other-schema': createCloneStatement(cloneNameFor('20240501-123456-abcd', EVERY_TYPE_TABLE, 'THAW_SNAPSHOTS'), EVERY_TYPE_TABLE, SNAPSHOT),
  '06-chunk-from-clone': chunkStatement(EVERY_TYPE_CLONE, EVERY_TYPE_COLUMNS, {
    partition: VISIT_DATE, split: ID, range: { ...range, partitionValue: '2024-01-02', splitLow: '1500', splitHigh: '2000' },
  }),
  '13-drop-clone': dropCloneStatement(EVERY_TYPE_CLONE),
  '11-partition-counts': partitionCountsStatement(EVERY_TYPE_TABLE, VISIT_DATE, SNAPSHOT),
  // The unload path (source/unload/stageSql.ts): a stage statement cannot be parsed as a SELECT;
  // test/unit/sqlGolden.test.ts checks their form and the SELECT inside them.
  '20-stage-create': createStageStatement(STAGE),
  '21-stage-remove-chunk': removeStatement(STAGE, `${RUN}/7/`),
  '21-stage-remove-run': removeStatement(STAGE, `${RUN}/`),
  '22-unload-chunk': unloadStatement(STAGE, `${RUN}/7/2/`, middleChunk, 'gzip'),
  '22-unload-chunk-uncompressed': unloadStatement(STAGE, `${RUN}/7/3/`, middleChunk, 'none'),
  '22-unload-probe': unloadStatement(STAGE, `${RUN}/probe-1234/`, probeQuery(), 'gzip'),
  '23-presigned-urls': presignedUrlsStatement(STAGE, [`${RUN}/7/2/data_0_0_0.csv.gz`, `${RUN}/7/2/data_0_1_0.csv.gz`]),
};

/** A golden file: the binds as a JSON comment on the first line, then the statement. */
export function goldenText(statement: Statement): string {
  return `-- binds: ${JSON.stringify(statement.binds)}\n${statement.sql}\n`;
}
