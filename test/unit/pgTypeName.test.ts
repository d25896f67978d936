import assert from 'node:assert/strict';
import { isPgTypeName, normalizePgTypeName } from '../../src/engine/types/pgTypeName';

describe('PostgreSQL type name grammar', () => {
  it('accepts the shapes users write', () => {
    for (const name of ['double precision', 'numeric(38,0)', 'timestamp(3) with time zone', 'character varying(20)[]', 'public."MyType"', 'bit varying(8)', 'interval']) {
      assert.ok(isPgTypeName(name), name);
    }
  });

  it('spells a name the way it is stored and written into DDL', () => {
    assert.equal(normalizePgTypeName('  Double   Precision '), 'double precision');
    assert.equal(normalizePgTypeName('TIMESTAMP (3) WITH TIME ZONE'), 'timestamp(3) with time zone');
    assert.equal(normalizePgTypeName('NUMERIC( 10 , -2 )'), 'numeric(10,-2)');
    assert.equal(normalizePgTypeName('Public . "MyType" [ ]'), 'public."MyType"[]');
    assert.equal(normalizePgTypeName('INT[3]'), 'int[3]');
  });
});
