import assert from 'node:assert/strict';
import { DefinitionError } from '../../src/engine/errors';
import { mapColumns, needsIntegerRange, type IntegerRange } from '../../src/engine/types/mapping';
import type { SnowflakeType, SourceColumn } from '../../src/engine/types/model';
import { boundaryCastType, boundaryText, escapeCopyText, quoteIdent, renderField, renderRow, renderValue } from '../../src/engine/types/render';

let ordinal = 0;
function col(name: string, type: SnowflakeType, precision: number | null = null, scale: number | null = null): SourceColumn {
  return { name, type, precision, scale, nullable: true, ordinal: ++ordinal };
}

function mapOne(column: SourceColumn, ranges?: Record<string, IntegerRange>) {
  const [mapping] = mapColumns([column], { integerRanges: new Map(Object.entries(ranges ?? {})) });
  return mapping!;
}

describe('type mapping', () => {
  const expected: Array<[SourceColumn, string]> = [
    [col('A', 'NUMBER', 9, 0), 'bigint'],
    [col('A', 'NUMBER', 18, 0), 'bigint'],
    [col('A', 'NUMBER', 19, 0), 'numeric(19,0)'],
    [col('A', 'NUMBER', 12, 2), 'numeric(12,2)'],
    [col('A', 'NUMBER', 38, 10), 'numeric(38,10)'],
    [col('A', 'FLOAT'), 'double precision'],
    [col('A', 'TEXT'), 'text'],
    [col('A', 'BOOLEAN'), 'boolean'],
    [col('A', 'DATE'), 'date'],
    [col('A', 'TIME', null, 6), 'time'],
    [col('A', 'TIMESTAMP_NTZ', null, 6), 'timestamp'],
    [col('A', 'TIMESTAMP_LTZ', null, 6), 'timestamptz'],
    [col('A', 'TIMESTAMP_TZ', null, 6), 'timestamptz'],
    [col('A', 'VARIANT'), 'jsonb'],
    [col('A', 'OBJECT'), 'jsonb'],
    [col('A', 'ARRAY'), 'jsonb'],
    [col('A', 'BINARY'), 'bytea'],
  ];
  for (const [column, targetType] of expected) {
    const label = column.type === 'NUMBER' ? `NUMBER(${column.precision},${column.scale})` : column.type;
    it(`${label} → ${targetType}`, () => {
      const m = mapOne(column);
      assert.equal(m.targetType, targetType);
      assert.equal(m.targetName, 'a');
      assert.ok(m.reason.length > 0);
      assert.equal(m.source, column);
    });
  }

  it('NUMBER(38,0) whose MIN/MAX fit in int64 → bigint, and says so', () => {
    const id = col('ID', 'NUMBER', 38, 0);
    const m = mapOne(id, { ID: { min: '-9223372036854775808', max: '9223372036854775807' } });
    assert.equal(m.targetType, 'bigint');
    assert.match(m.reason, /fit in int64/);
  });

  it('NUMBER(38,0) whose MAX exceeds int64 → numeric(38,0), and says so', () => {
    const id = col('ID', 'NUMBER', 38, 0);
    const m = mapOne(id, { ID: { min: '1', max: '9223372036854775808' } });
    assert.equal(m.targetType, 'numeric(38,0)');
    assert.match(m.reason, /exceed int64/);
    assert.equal(mapOne(id, { ID: { min: '-9223372036854775809', max: '0' } }).targetType, 'numeric(38,0)');
  });

  it('NUMBER(38,0) without values → bigint; never measured → numeric(38,0)', () => {
    const id = col('ID', 'NUMBER', 38, 0);
    assert.equal(mapOne(id, { ID: { min: null, max: null } }).targetType, 'bigint');
    const unmeasured = mapOne(id);
    assert.equal(unmeasured.targetType, 'numeric(38,0)');
    assert.match(unmeasured.reason, /not measured/);
  });

  it('measures only NUMBER(38,0) columns', () => {
    assert.equal(needsIntegerRange(col('A', 'NUMBER', 38, 0)), true);
    assert.equal(needsIntegerRange(col('A', 'NUMBER', 38, 2)), false);
    assert.equal(needsIntegerRange(col('A', 'NUMBER', 18, 0)), false);
    assert.equal(needsIntegerRange(col('A', 'FLOAT')), false);
  });

  it('warns when nanoseconds become microseconds, and when a TZ offset is dropped', () => {
    assert.deepEqual(mapOne(col('A', 'TIME', null, 9)).warnings, ['TIME(9): nanoseconds become microseconds']);
    assert.deepEqual(mapOne(col('A', 'TIMESTAMP_NTZ', null, 6)).warnings, []);
    assert.deepEqual(mapOne(col('A', 'TIMESTAMP_LTZ', null, 9)).warnings, ['TIMESTAMP_LTZ(9): nanoseconds become microseconds']);
    const tz = mapOne(col('A', 'TIMESTAMP_TZ', null, 9)).warnings;
    assert.equal(tz.length, 2);
    assert.match(tz[0]!, /offset is not/);
  });

  it('applies column_types overrides and keeps the default in the reason', () => {
    const [score, id] = mapColumns([col('SCORE', 'NUMBER', 12, 2), col('ID', 'NUMBER', 38, 0)], {
      overrides: { SCORE: 'Double  Precision', ID: 'numeric(38,0)' },
      integerRanges: new Map([['ID', { min: '1', max: '2' }]]),
    });
    assert.equal(score!.targetType, 'double precision');
    assert.match(score!.reason, /column_types override \(default numeric\(12,2\)\)/);
    assert.equal(score!.warnings.length, 1);
    assert.equal(id!.targetType, 'numeric(38,0)');
    assert.match(id!.reason, /default bigint/);
    assert.equal(mapColumns([col('T', 'TIMESTAMP_TZ', null, 6)], { overrides: { T: 'timestamp(3) with time zone' } })[0]!.targetType, 'timestamp(3) with time zone');
  });

  it('rejects an override naming no column, with a did-you-mean and the config path', () => {
    const err = assert.throws(
      () => mapColumns([col('SCORE', 'FLOAT')], { overrides: { SCORES: 'real' }, overridesPath: 'tables[0].column_types' }),
      (e: unknown) => e instanceof DefinitionError && /did you mean "SCORE"/.test(e.message) && e.context.path === 'tables[0].column_types.SCORES',
    );
    return err;
  });

  it('rejects an override that is not a type name', () => {
    assert.throws(() => mapColumns([col('A', 'TEXT')], { overrides: { A: 'text); drop table x; --' } }), DefinitionError);
  });

  it('lower-cases target names and rejects names that collide after lower-casing', () => {
    assert.deepEqual(mapColumns([col('VisitId', 'TEXT'), col('NAME', 'TEXT')]).map((m) => m.targetName), ['visitid', 'name']);
    assert.throws(() => mapColumns([col('NAME', 'TEXT'), col('name', 'TEXT')]), (e: unknown) => e instanceof DefinitionError && /"NAME" and "name"/.test(e.message));
  });
});

describe('render expressions', () => {
  const E = (v: string) => `REPLACE(REPLACE(REPLACE(REPLACE(${v}, CHR(92), CHR(92) || CHR(92)), CHR(9), CHR(92) || 't'), CHR(10), CHR(92) || 'n'), CHR(13), CHR(92) || 'r')`;
  const cases: Array<[SnowflakeType, string]> = [
    ['NUMBER', `TO_VARCHAR("C")`],
    ['FLOAT', `TO_VARCHAR("C")`],
    ['TEXT', E('"C"')],
    ['BOOLEAN', `CASE "C" WHEN TRUE THEN 't' WHEN FALSE THEN 'f' END`],
    ['DATE', `TO_VARCHAR("C", 'YYYY-MM-DD')`],
    ['TIME', `TO_VARCHAR("C", 'HH24:MI:SS.FF6')`],
    ['TIMESTAMP_NTZ', `TO_VARCHAR("C", 'YYYY-MM-DD HH24:MI:SS.FF6')`],
    ['TIMESTAMP_LTZ', `TO_VARCHAR("C", 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM')`],
    ['TIMESTAMP_TZ', `TO_VARCHAR("C", 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM')`],
    ['VARIANT', E('TO_JSON("C")')],
    ['OBJECT', E('TO_JSON("C")')],
    ['ARRAY', E('TO_JSON("C")')],
    ['BINARY', `CHR(92) || CHR(92) || 'x' || TO_VARCHAR("C", 'HEX')`],
  ];
  for (const [type, v] of cases) {
    it(`v(${type}) is the catalog's expression`, () => {
      assert.equal(renderValue(col('C', type, type === 'NUMBER' ? 38 : null, 0)), v);
      assert.equal(renderField(col('C', type, 38, 0)), `COALESCE(${v}, CHR(92) || 'N')`);
    });
  }

  it('escapes backslash first, then tab, newline, carriage return', () => {
    assert.equal(escapeCopyText('x'), E('x'));
  });

  it('quotes identifiers exactly, doubling embedded quotes', () => {
    assert.equal(quoteIdent('Odd "Name"'), '"Odd ""Name"""');
    assert.equal(renderValue(col('a"b', 'NUMBER', 38, 0)), 'TO_VARCHAR("a""b")');
  });

  it('joins fields with CHR(9)', () => {
    assert.equal(renderRow([col('A', 'NUMBER', 38, 0), col('B', 'DATE')]), `CONCAT_WS(CHR(9), COALESCE(TO_VARCHAR("A"), CHR(92) || 'N'), COALESCE(TO_VARCHAR("B", 'YYYY-MM-DD'), CHR(92) || 'N'))`);
  });

  it('renders boundaries so they round-trip through CAST', () => {
    assert.equal(boundaryText(col('A', 'NUMBER', 38, 0), 'x'), 'TO_VARCHAR(x)');
    assert.equal(boundaryText(col('A', 'DATE'), 'x'), `TO_VARCHAR(x, 'YYYY-MM-DD')`);
    assert.equal(boundaryText(col('A', 'TIMESTAMP_NTZ', null, 3), 'x'), `TO_VARCHAR(x, 'YYYY-MM-DD HH24:MI:SS.FF9')`);
    assert.equal(boundaryText(col('A', 'TEXT'), 'x'), 'x');
    assert.equal(boundaryCastType(col('A', 'NUMBER', 38, 0)), 'NUMBER(38,0)');
    assert.equal(boundaryCastType(col('A', 'NUMBER', 10, 2)), 'NUMBER(10,2)');
    assert.equal(boundaryCastType(col('A', 'TIMESTAMP_NTZ', null, 3)), 'TIMESTAMP_NTZ(9)');
    assert.equal(boundaryCastType(col('A', 'DATE')), 'DATE');
    assert.equal(boundaryCastType(col('A', 'TEXT')), 'TEXT');
    assert.throws(() => boundaryText(col('A', 'FLOAT'), 'x'));
    assert.throws(() => boundaryCastType(col('A', 'TIMESTAMP_TZ', null, 9)));
  });
});
