// How COPY bytes reach pg-copy-streams (one CopyData message per part it is given): lines gathered
// into blocks of about 64 KiB, blocks that are large already passed on without a copy.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyBatcher } from '../../src/engine/target/copyBatcher';

/** The blocks as a piped consumer (the COPY stream) gets them: one 'data' event each. */
async function batch(parts: Array<Buffer | string>): Promise<{ out: Buffer[]; bytes: number }> {
  const batcher = new CopyBatcher();
  const out: Buffer[] = [];
  batcher.on('data', (block: Buffer) => out.push(block));
  await pipeline(Readable.from(parts, { objectMode: true }), batcher);
  return { out, bytes: batcher.bytes };
}

describe('CopyBatcher', () => {
  it('gathers short lines into blocks of at least 64 KiB, in order, counting the bytes', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\t${'x'.repeat(200)}\n`);
    const { out, bytes } = await batch(lines);
    const total = lines.join('');
    assert.equal(Buffer.concat(out).toString(), total);
    assert.equal(bytes, Buffer.byteLength(total));
    assert.ok(out.length < 5, `${out.length} messages for ${lines.length} lines`);
    for (const block of out.slice(0, -1)) assert.ok(block.length >= 64 * 1024, `a ${block.length}-byte block before the last`);
  });

  it('passes a part of 16 KiB or more on as it is, after the lines gathered before it', async () => {
    const head = Buffer.from('1\ta\n');
    const big = Buffer.from(`${'2\tb\n'.repeat(8192)}`);
    const tail = Buffer.from('3\tc\n');
    const { out, bytes } = await batch([head, big, tail]);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0], head);
    assert.equal(out[1], big, 'the same Buffer: not copied');
    assert.deepEqual(out[2], tail);
    assert.equal(bytes, head.length + big.length + tail.length);
  });
});
