// Downloaded gzip files (unloaded files, result chunks) gunzipped as they stream; a corrupt or cut
// one is a retryable SourceError naming where it came from, not an unexpected error.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { SourceError } from '../../src/engine/errors';
import { gunzipped } from '../../src/engine/source/download';

async function collect(parts: readonly Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const block of gunzipped((async function* () { yield* parts; })(), { chunkId: 4, path: 'f.csv.gz' })) out.push(block);
  return Buffer.concat(out).toString('utf8');
}

describe('gunzipped downloads', () => {
  const text = 'line\n'.repeat(10_000);
  const gz = gzipSync(text);

  it('gives the file back, however the download was cut into parts', async () => {
    assert.equal(await collect([gz]), text);
    assert.equal(await collect([gz.subarray(0, 7), gz.subarray(7, 100), gz.subarray(100)]), text);
  });

  it('turns corrupt or truncated gzip into a retryable SourceError with its context', async () => {
    for (const bad of [Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage'), gz.subarray(27)]), gz.subarray(0, gz.length - 10)]) {
      await assert.rejects(collect([bad]), (e: unknown) => e instanceof SourceError && e.retryable && e.context.path === 'f.csv.gz' && /not valid gzip/.test(e.message));
    }
  });
});
