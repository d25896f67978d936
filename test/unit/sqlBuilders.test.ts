import assert from 'node:assert/strict';
import { SourceError } from '../../src/engine/errors';
import { chunkRangesFromPlanRows, parsePlanRow, type PlanRow } from '../../src/engine/source/plan';
import { classifySourceError } from '../../src/engine/source/sourceErrors';
import { chunkStatement, integerRangesStatement, planStatement, snapshotFromSourceTime, tableReference } from '../../src/engine/source/sql';
import type { ChunkRange, SourceColumn } from '../../src/engine/types/model';

const T = { database: 'DB', schema: 'S', table: 'T' };
const ID: SourceColumn = { name: 'ID', type: 'NUMBER', precision: 38, scale: 0, nullable: false, ordinal: 1 };
const DAY: SourceColumn = { name: 'DAY', type: 'DATE', precision: null, scale: null, nullable: true, ordinal: 2 };
const whole: ChunkRange = { partitionIsNull: false, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows: 1 };

describe('SQL builders', () => {
  it('references a table with quoted parts and an optional Time Travel clause', () => {
    assert.equal(tableReference({ database: 'D"B', schema: 'S', table: 'T' }), '"D""B"."S"."T"');
    assert.equal(tableReference(T, '2024-05-01 12:00:00.000 +00:00'), `"DB"."S"."T" AT(TIMESTAMP => '2024-05-01 12:00:00.000 +00:00'::TIMESTAMP_TZ)`);
    assert.throws(() => tableReference(T, "2024-05-01'; DROP TABLE X; --"), /invalid snapshot/);
  });

  it('turns the source clock into a UTC snapshot (and leaves a UTC one as it is)', () => {
    assert.equal(snapshotFromSourceTime('2024-05-01 05:00:00.123 -07:00'), '2024-05-01 12:00:00.123 +00:00');
    assert.equal(snapshotFromSourceTime('2024-01-01 01:30:00.000 +02:00'), '2023-12-31 23:30:00.000 +00:00');
    assert.equal(snapshotFromSourceTime('2024-05-01 12:00:00.123 +00:00'), '2024-05-01 12:00:00.123 +00:00');
    assert.throws(() => snapshotFromSourceTime('yesterday'));
  });

  it('numbers integer range aliases by position', () => {
    const { sql, binds } = integerRangesStatement(T, [ID, { ...ID, name: 'B' }]);
    assert.equal(sql, `SELECT TO_VARCHAR(MIN("ID")) AS "MIN_1", TO_VARCHAR(MAX("ID")) AS "MAX_1", TO_VARCHAR(MIN("B")) AS "MIN_2", TO_VARCHAR(MAX("B")) AS "MAX_2" FROM "DB"."S"."T"`);
    assert.deepEqual(binds, []);
  });

  it('binds the batch size as text and refuses a bad one', () => {
    assert.deepEqual(planStatement(T, { partition: DAY, split: ID, batchSize: 25000 }).binds, ['25000']);
    assert.throws(() => planStatement(T, { split: ID, batchSize: 0 }));
    assert.throws(() => planStatement(T, { split: ID, batchSize: 1.5 }));
  });

  it('builds each chunk predicate form', () => {
    const where = (range: Partial<ChunkRange>, partition?: SourceColumn) => {
      const s = chunkStatement(T, [ID], { split: ID, range: { ...whole, ...range }, ...(partition ? { partition } : {}) });
      return { where: s.sql.slice(s.sql.indexOf(' WHERE ') + 7), binds: s.binds };
    };
    assert.deepEqual(where({ splitLow: '10', splitHigh: '20' }), { where: `"ID" >= CAST(? AS NUMBER(38,0)) AND "ID" < CAST(? AS NUMBER(38,0))`, binds: ['10', '20'] });
    assert.deepEqual(where({ splitHigh: '20' }), { where: `"ID" < CAST(? AS NUMBER(38,0))`, binds: ['20'] });
    assert.deepEqual(where({ splitLow: '10' }), { where: `"ID" >= CAST(? AS NUMBER(38,0))`, binds: ['10'] });
    assert.deepEqual(where({}), { where: `"ID" IS NOT NULL`, binds: [] });
    assert.deepEqual(where({ splitIsNull: true }), { where: `"ID" IS NULL`, binds: [] });
    assert.deepEqual(where({ partitionValue: '2024-01-01', splitLow: '5' }, DAY), { where: `"DAY" = CAST(? AS DATE) AND "ID" >= CAST(? AS NUMBER(38,0))`, binds: ['2024-01-01', '5'] });
    assert.deepEqual(where({ partitionIsNull: true, splitIsNull: true }, DAY), { where: `"DAY" IS NULL AND "ID" IS NULL`, binds: [] });
    assert.throws(() => where({ partitionValue: 'x' }), /no partition column/);
    assert.throws(() => where({}, DAY), /partition value/);
  });
});

describe('plan rows → chunk ranges', () => {
  const row = (partitionValue: string | null, bucket: number, splitLow: string | null, rows: number, partitionIsNull = false): PlanRow => ({ partitionValue, partitionIsNull, bucket, splitLow, rows });

  it('bounds bucket k by the next bucket\'s low; first and last are unbounded', () => {
    const chunks = chunkRangesFromPlanRows([row('2024-01-01', 0, '1', 500), row('2024-01-01', 1, '501', 500), row('2024-01-01', 2, '1001', 7)]);
    assert.deepEqual(
      chunks.map((c) => [c.partitionValue, c.splitLow, c.splitHigh, c.rows]),
      [
        ['2024-01-01', null, '501', 500],
        ['2024-01-01', '501', '1001', 500],
        ['2024-01-01', '1001', null, 7],
      ],
    );
  });

  it('gives a single bucket both ends unbounded, and sorts buckets that arrive out of order', () => {
    assert.deepEqual(chunkRangesFromPlanRows([row('a', 0, '5', 3)]).map((c) => [c.splitLow, c.splitHigh]), [[null, null]]);
    assert.deepEqual(chunkRangesFromPlanRows([row('a', 1, '9', 3), row('a', 0, '5', 3)]).map((c) => [c.splitLow, c.splitHigh]), [[null, '9'], ['9', null]]);
  });

  it('makes NULL split values and NULL partitions chunks of their own', () => {
    const chunks = chunkRangesFromPlanRows([
      row(null, 0, '1', 4, true),
      row(null, -1, null, 2, true),
      row('x', -1, null, 3),
      row('x', 0, '7', 10),
    ]);
    assert.deepEqual(chunks, [
      { partitionIsNull: true, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows: 4 },
      { partitionIsNull: true, partitionValue: null, splitIsNull: true, splitLow: null, splitHigh: null, rows: 2 },
      { partitionIsNull: false, partitionValue: 'x', splitIsNull: false, splitLow: null, splitHigh: null, rows: 10 },
      { partitionIsNull: false, partitionValue: 'x', splitIsNull: true, splitLow: null, splitHigh: null, rows: 3 },
    ]);
    assert.equal(chunks.reduce((n, c) => n + c.rows, 0), 19);
  });

  it('keeps an empty-string partition apart from a NULL one', () => {
    const chunks = chunkRangesFromPlanRows([row('', 0, '1', 1), row(null, 0, '1', 1, true)]);
    assert.deepEqual(chunks.map((c) => [c.partitionValue, c.partitionIsNull]), [['', false], [null, true]]);
  });

  it('parses both result shapes; the unpartitioned NULL branch may sum nothing', () => {
    assert.deepEqual(parsePlanRow({ PARTITION_VALUE: '2024-01-01', PARTITION_IS_NULL: false, BUCKET: 3, SPLIT_LOW: '42', ROW_COUNT: 500 }, true), row('2024-01-01', 3, '42', 500));
    assert.deepEqual(parsePlanRow({ PARTITION_VALUE: null, PARTITION_IS_NULL: true, BUCKET: -1, SPLIT_LOW: null, ROW_COUNT: '12' }, true), row(null, -1, null, 12, true));
    const empty = parsePlanRow({ BUCKET: -1, SPLIT_LOW: null, ROW_COUNT: null }, false);
    assert.equal(empty.rows, 0);
    assert.deepEqual(chunkRangesFromPlanRows([parsePlanRow({ BUCKET: 0, SPLIT_LOW: '1', ROW_COUNT: 9 }, false), empty]), [{ ...whole, rows: 9 }]);
    assert.throws(() => parsePlanRow({ PARTITION_VALUE: null, PARTITION_IS_NULL: false, BUCKET: 0, SPLIT_LOW: '1', ROW_COUNT: 1 }, true), SourceError);
  });

  it('refuses a plan with a bucket twice', () => {
    assert.throws(() => chunkRangesFromPlanRows([row('a', 0, '1', 1), row('a', 0, '2', 1)]), /twice/);
  });
});

describe('Snowflake error classification', () => {
  const cases: Array<[string, Parameters<typeof classifySourceError>[0], boolean]> = [
    ['network error', { name: 'NetworkError', code: 401001, message: 'connect ECONNREFUSED' }, true],
    ['HTTP 503', { name: 'RequestFailedError', code: 401002, message: 'Request to Snowflake failed.' }, true],
    ['result download failure', { name: 'LargeResultSetError', code: 402002 }, true],
    ['internal error 000603', { name: 'OperationFailedError', code: '000603', sqlState: 'XX000' }, true],
    ['statement timeout 000630', { name: 'OperationFailedError', code: '000630', sqlState: '57014' }, true],
    ['object does not exist', { name: 'OperationFailedError', code: '002003', sqlState: '02000' }, false],
    ['syntax error', { name: 'OperationFailedError', code: '001003', sqlState: '42000' }, false],
    ['other compilation error (class 42)', { name: 'OperationFailedError', code: '002040', sqlState: '42601' }, false],
    ['numeric value out of range', { name: 'OperationFailedError', code: '100039', sqlState: '22003' }, false],
  ];
  for (const [what, err, retryable] of cases) {
    it(`${what} → ${retryable ? 'retryable' : 'terminal'}`, () => {
      const decision = classifySourceError(err);
      assert.equal(decision.retryable, retryable);
      assert.equal(decision.code, String(err!.code));
    });
  }
});
