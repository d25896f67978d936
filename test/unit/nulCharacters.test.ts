import assert from 'node:assert/strict';
import { findNuls } from '../../src/engine/source/nulCharacters';
import type { SourceColumn } from '../../src/engine/types/model';

const col = (name: string, type: SourceColumn['type'], ordinal: number): SourceColumn => ({ name, type, precision: null, scale: null, nullable: true, ordinal });
const COLUMNS = [col('ID', 'NUMBER', 1), col('NOTE', 'TEXT', 2), col('DOC', 'VARIANT', 3)];
// Lines as COPY text: a JSON backslash is doubled by COPY escaping.
const line = (note: string, doc: string) => `7\t${note}\t${doc}`;

describe('NUL characters in COPY lines', () => {
  it('finds nothing in ordinary lines, nor in text that merely spells \\u0000', () => {
    assert.equal(findNuls(line('plain', '{"a":1}'), COLUMNS), null);
    assert.equal(findNuls(line('C:\\\\u0000', '{"a":1}'), COLUMNS), null, 'text holding a backslash and "u0000" is fine for PostgreSQL');
  });

  it('finds a raw NUL in text and strips it', () => {
    assert.deepEqual(findNuls(line('a\0b\0', '{}'), COLUMNS), { field: 1, stripped: line('ab', '{}'), count: 2 });
  });

  it('finds the JSON escape \\u0000 in a VARIANT, but not an escaped backslash before "u0000"', () => {
    assert.deepEqual(findNuls(line('ok', '{"a":"x\\\\u0000y"}'), COLUMNS), { field: 2, stripped: line('ok', '{"a":"xy"}'), count: 1 });
    assert.equal(findNuls(line('ok', '{"a":"x\\\\\\\\u0000y"}'), COLUMNS), null, 'JSON "\\\\u0000" is a backslash and text');
    assert.deepEqual(findNuls(line('ok', '{"a":"\\\\\\\\\\\\u0000"}'), COLUMNS), { field: 2, stripped: line('ok', '{"a":"\\\\\\\\"}'), count: 1 }, 'an escaped backslash, then a NUL');
  });
});
