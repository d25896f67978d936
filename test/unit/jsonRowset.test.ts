// The result-chunk decoder: Snowflake's JSON rows (one string value each, Thaw's COPY line) to
// COPY lines, however the bytes are cut into blocks.
import assert from 'node:assert/strict';
import { SourceError } from '../../src/engine/errors';
import { JsonRowsetDecoder } from '../../src/engine/source/result/jsonRowset';

const LINES = [
  '1\tplain\t\\N',
  '2\ta\\\\tb with "quotes" and a backslash \\\\',
  '3\tGrüße 🙂 日本 \u00e9',
  '4\t',
  '5\t\u0001 control and \\\\u0000 text',
  '6\t]["  brackets, commas, quotes ",[',
];

/** The chunk as Snowflake writes it: rows as JSON arrays, comma-separated. */
const chunk = (lines: readonly string[], separator = ','): Buffer => Buffer.from(lines.map((l) => JSON.stringify([l])).join(separator), 'utf8');

function decodeIn(parts: readonly Buffer[]): { text: string; rows: number } {
  const decoder = new JsonRowsetDecoder({ chunkId: 1 });
  const out = parts.map((p) => decoder.push(p));
  decoder.end();
  return { text: Buffer.concat(out).toString('utf8'), rows: decoder.rows };
}

describe('JSON result chunk decoder', () => {
  const expected = LINES.map((l) => `${l}\n`).join('');

  it('turns each row into its line and a newline, in one block', () => {
    assert.deepEqual(decodeIn([chunk(LINES)]), { text: expected, rows: LINES.length });
  });

  it('gives the same lines for every cut of the bytes, inside escapes and multi-byte characters too', () => {
    const bytes = chunk(LINES);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.equal(decodeIn([bytes.subarray(0, cut), bytes.subarray(cut)]).text, expected, `cut at byte ${cut}`);
    }
    const oneByteAtATime = [...bytes].map((b) => Buffer.from([b]));
    assert.equal(decodeIn(oneByteAtATime).text, expected);
  });

  it('decodes \\u escapes, surrogate pairs included, as JSON.parse and UTF-8 do', () => {
    const escaped = Buffer.from('["a\\u00e9\\ud83d\\ude42\\t\\u0000b"],["\\/\\b\\f\\r\\n"],["lone \\ud800 and \\udc00x"],["\\u00E9\\\\u0041"]');
    const viaJson = ['a\u00e9\ud83d\ude42\t\u0000b', '/\b\f\r\n', 'lone \ud800 and \udc00x', '\u00E9\\u0041'].map((l) => Buffer.from(`${l}\n`, 'utf8'));
    assert.equal(decodeIn([escaped]).text, Buffer.concat(viaJson).toString('utf8'));
  });

  it('gives what JSON.parse and UTF-8 give, for random strings of every kind of character', () => {
    const pool = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '\\', '"', '/', '\u0000', '\u0001', '\u001f', '\u007f', 'é', 'ß', '€', '日', '🙂', '\ud800', '\udfff', ',', '[', ']'];
    let seed = 42;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const lines = Array.from({ length: 2000 }, () => Array.from({ length: next(60) }, () => pool[next(pool.length)]!).join(''));
    const bytes = chunk(lines);
    const decoder = new JsonRowsetDecoder({});
    const out: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 997) out.push(decoder.push(bytes.subarray(at, at + 997)));
    decoder.end();
    assert.equal(decoder.rows, lines.length);
    assert.deepEqual(Buffer.concat(out), Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'));
  });

  it('accepts whitespace and newlines between rows', () => {
    assert.equal(decodeIn([chunk(LINES, ',\n  ')]).text, expected);
  });

  it('refuses a NULL row, a second value, and a chunk that ends inside a row', () => {
    assert.throws(() => decodeIn([Buffer.from('["1"],[null]')]), (e: unknown) => e instanceof SourceError && /NULL/.test(e.message) && e.context.chunkId === 1);
    assert.throws(() => decodeIn([Buffer.from('["1","2"]')]), /more than the one value/);
    assert.throws(() => decodeIn([Buffer.from('["1"],["2')]), /ends inside a row/);
    assert.throws(() => decodeIn([Buffer.from('{"a":1}')]), /expected "\["/);
    assert.throws(() => decodeIn([Buffer.from('["1"],["bad \\q escape"]')]), (e: unknown) => e instanceof SourceError && /row 2/.test(e.message));
    assert.throws(() => decodeIn([Buffer.from('["\\u12G4"]')]), /row 1/);
  });
});
