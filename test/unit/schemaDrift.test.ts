import assert from 'node:assert/strict';
import type { ResolvedTable } from '../../src/engine/config';
import { compareColumns } from '../../src/engine/schemaDrift/checkDrift';
import { incompatibility } from '../../src/engine/schemaDrift/compatibility';
import type { ColumnMapping, SnowflakeType } from '../../src/engine/types/model';

function mapping(name: string, type: SnowflakeType, targetType: string, precision: number | null = null, scale: number | null = null): ColumnMapping {
  return { source: { name, type, precision, scale, nullable: true, ordinal: 1 }, targetName: name.toLowerCase(), targetType, reason: '', warnings: [] };
}

const table = (on_schema_change: 'fail' | 'add_columns') => ({ name: 's.t', on_schema_change }) as ResolvedTable;

describe('schema drift: type compatibility', () => {
  for (const [mapped, target] of [
    ['bigint', 'numeric(38,0)'],
    ['bigint', 'numeric'],
    ['integer', 'bigint'],
    ['numeric(18,4)', 'numeric(20,6)'],
    ['numeric(18,0)', 'bigint'],
    ['double precision', 'real'],
    ['timestamp', 'timestamp(3) without time zone'],
    ['date', 'timestamp'],
    ['jsonb', 'json'],
    ['bytea', 'text'],
    ['timestamptz', 'character varying(40)'],
  ]) {
    it(`${mapped} fits into ${target}`, () => assert.equal(incompatibility(mapped!, target!), null));
  }
  for (const [mapped, target, why] of [
    ['numeric(18,4)', 'integer', /integer cannot hold numeric\(18,4\) values/],
    ['numeric(38,0)', 'bigint', /bigint cannot hold numeric\(38,0\) values/],
    ['bigint', 'integer', /integer is narrower than bigint/],
    ['numeric(18,4)', 'numeric(18,2)', /fewer decimal places/],
    ['numeric(18,4)', 'numeric(10,4)', /fewer integer digits/],
    ['timestamp', 'timestamp with time zone', /cannot hold timestamp values/],
    ['text', 'jsonb', /cannot hold text values/],
    ['double precision', 'numeric(18,4)', /cannot hold double precision values/],
    ['boolean', 'integer', /cannot hold boolean values/],
  ] as const) {
    it(`${mapped} does not fit into ${target}`, () => assert.match(incompatibility(mapped, target) ?? '', why));
  }
});

describe('schema drift: columns compared', () => {
  const mappings = [mapping('ID', 'NUMBER', 'bigint', 38, 0), mapping('AMOUNT', 'NUMBER', 'numeric(18,4)', 18, 4), mapping('NEW_COL', 'TEXT', 'text')];
  const target = [
    { name: 'id', type: 'bigint', hasDefault: false },
    { name: 'amount', type: 'integer', hasDefault: false },
    { name: 'old_col', type: 'date', hasDefault: false },
    { name: 'loaded_at', type: 'timestamp with time zone', hasDefault: true },
  ];

  it('names every problem with the column and both types', () => {
    const { drift, problems } = compareColumns(table('fail'), mappings, target, new Map([['old_col', 'DATE']]));
    assert.deepEqual(drift.add, []);
    assert.deepEqual([...problems].sort(), [
      'column amount: the source has NUMBER(18,4) (mapped to numeric(18,4)), the target has integer: integer cannot hold numeric(18,4) values',
      'new source column NEW_COL (TEXT) is not in the target (it would be new_col text): set "on_schema_change": "add_columns" to add it, or add it yourself',
      'column old_col (date in the target) is no longer in the source (it was DATE there): drop it from the target, or give it a default',
    ].sort());
  });

  it('adds new columns under add_columns; a column with a default is the target’s own', () => {
    const { drift, problems } = compareColumns(table('add_columns'), mappings.filter((m) => m.source.name !== 'AMOUNT'), target.filter((c) => c.name !== 'amount' && c.name !== 'old_col'), new Map());
    assert.deepEqual([...problems].sort(), []);
    assert.deepEqual(drift.add.map((m) => m.targetName), ['new_col']);
  });
});
