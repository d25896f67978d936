// The emulator's TO_JSON writes an OBJECT's keys sorted, as Snowflake keeps them: by UTF-8 bytes
// at every depth, numbers exactly as written, strings with the minimal escapes.
import assert from 'node:assert/strict';
import { sortedJson } from '../../src/emulator/db/sortedJson';

describe('emulator: sorted JSON text', () => {
  it('sorts keys by bytes at every depth, integer-like and non-ASCII keys included', () => {
    assert.equal(sortedJson('{"b":1,"aa":2,"10":3,"9":4,"é":5,"Z":{"y":[{"b":null,"a":true}],"x":[]}}'), '{"10":3,"9":4,"Z":{"x":[],"y":[{"a":true,"b":null}]},"aa":2,"b":1,"é":5}');
    assert.equal(sortedJson('{"\uE000":1,"😀":2}'), '{"\uE000":1,"😀":2}', 'UTF-8 order, not UTF-16: U+E000 before U+1F600');
  });

  it('keeps numbers as written and escapes strings minimally', () => {
    assert.equal(sortedJson('{"n":12.30,"big":123456789012345678901234567890,"e":1e300}'), '{"big":123456789012345678901234567890,"e":1e300,"n":12.30}');
    assert.equal(sortedJson('{"s":"tab\\t \\"q\\" \\\\ \\u0001 \\u2028 \\/ 😀"}'), '{"s":"tab\\t \\"q\\" \\\\ \\u0001 \u2028 / 😀"}');
  });

  it('leaves text without an object as it was', () => {
    assert.equal(sortedJson('[1,"two",null]'), '[1,"two",null]');
    assert.equal(sortedJson('"just text"'), '"just text"');
  });
});
