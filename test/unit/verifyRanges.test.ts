// How thaw verify cuts a table: ranges of partition values of about equal rows, open at both ends
// with the NULL partition apart; ranges of heap blocks covering the table and whatever follows.
import assert from 'node:assert/strict';
import { blockRanges, partitionRanges } from '../../src/engine/verify/ranges';
import { MeasureSums } from '../../src/engine/verify/measure';

const days = (n: number, rows = 10) => Array.from({ length: n }, (_, i) => ({ value: `2024-01-${String(i + 1).padStart(2, '0')}`, rows }));

describe('verify ranges', () => {
  it('cuts partition values into ranges of about equal rows, open at both ends, NULL apart', () => {
    assert.deepEqual(partitionRanges(days(8), 4), [
      { nulls: false, low: null, high: '2024-01-03' },
      { nulls: false, low: '2024-01-03', high: '2024-01-05' },
      { nulls: false, low: '2024-01-05', high: '2024-01-07' },
      { nulls: false, low: '2024-01-07', high: null },
      { nulls: true },
    ]);
  });

  it('closes a range once it holds its share of rows, and never makes more ranges than asked', () => {
    const values = [{ value: 'a', rows: 1 }, { value: 'b', rows: 100 }, { value: 'c', rows: 1 }, { value: 'd', rows: 1 }];
    assert.deepEqual(partitionRanges(values, 2), [
      { nulls: false, low: null, high: 'c' },
      { nulls: false, low: 'c', high: null },
      { nulls: true },
    ]);
    const many = partitionRanges(days(31), 3);
    assert.equal(many.filter((r) => !r.nulls).length, 3);
  });

  it('still covers every value of a source without non-NULL partitions', () => {
    assert.deepEqual(partitionRanges([], 4), [{ nulls: false, low: null, high: null }, { nulls: true }]);
  });

  it('cuts heap blocks into contiguous ranges, the last open', () => {
    assert.deepEqual(blockRanges(10, 3), [
      { low: 0, high: 4 },
      { low: 4, high: 8 },
      { low: 8, high: null },
    ]);
    assert.deepEqual(blockRanges(0, 8), [{ low: 0, high: null }], 'an empty heap is one open range');
    assert.deepEqual(blockRanges(2, 8), [{ low: 0, high: 1 }, { low: 1, high: null }]);
  });

  it('adds the measures of the ranges per partition value, exactly past 2^64', () => {
    const sums = new MeasureSums();
    const big = (2n ** 64n - 1n).toString();
    sums.add({ partitionIsNull: false, partitionValue: '2024-01-01', rows: 2, checksum: big });
    sums.add({ partitionIsNull: false, partitionValue: '2024-01-01', rows: 3, checksum: big });
    sums.add({ partitionIsNull: true, partitionValue: null, rows: 1, checksum: '7' });
    sums.add({ partitionIsNull: false, partitionValue: '2024-01-02', rows: 0, checksum: null });
    assert.deepEqual(sums.measures(), [
      { partitionIsNull: false, partitionValue: '2024-01-01', rows: 5, checksum: (2n * (2n ** 64n - 1n)).toString() },
      { partitionIsNull: true, partitionValue: null, rows: 1, checksum: '7' },
    ]);
  });
});
