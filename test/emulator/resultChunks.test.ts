// Result chunks sized as Snowflake sizes them: small first, doubling, capped by the statement's
// CLIENT_RESULT_CHUNK_SIZE. A client holds whole chunks, so these sizes are what the query path's
// memory follows, and the bench measures that memory against them.
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunkCapBytes } from '../../src/emulator/results/resultSpool';
import { rawQuery } from './driver';

const MiB = 1024 * 1024;

describe('emulator: result chunk sizes', function () {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({});
    // 40,000 rows of ~2 KB: an 80 MB result.
    await emulator.sql(`CREATE TABLE "WIDE" AS SELECT range AS "N", repeat('x', 2000) AS "PAD" FROM range(40000)`);
  });

  after(async () => {
    await emulator?.close();
  });

  const sizes = async (parameters?: Record<string, unknown>): Promise<number[]> => {
    const response = await rawQuery(emulator, `SELECT * FROM "WIDE"`, parameters);
    assert.equal(response.data.total, 40_000);
    assert.equal(response.data.rowset.length + response.data.chunks.reduce((n, c) => n + c.rowCount, 0), 40_000, 'every row is inline or in a chunk');
    return response.data.chunks.map((c) => c.uncompressedSize);
  };

  it('starts small and doubles up to the CLIENT_RESULT_CHUNK_SIZE the statement sets, never past it', async () => {
    const chunks = await sizes({ CLIENT_RESULT_CHUNK_SIZE: 16 });
    const shown = chunks.map((c) => (c / MiB).toFixed(2)).join(', ');
    chunks.forEach((size, i) => {
      const limit = Math.min(16 * MiB, 256 * 1024 * 2 ** i);
      assert.ok(size <= limit, `chunk ${i}: ${size} bytes over its ${limit} (${shown} MiB)`);
      // Every chunk but the last is full: within one ~2 KB row of its limit.
      if (i < chunks.length - 1) assert.ok(size > limit - 2100, `chunk ${i}: ${size} bytes, short of its ${limit} (${shown} MiB)`);
    });
    assert.ok(chunks.filter((c) => c > 15 * MiB).length >= 3, `the cap is reached: ${shown} MiB`);
  });

  it("grows past 16 MB under Snowflake's default (160)", async () => {
    const chunks = await sizes();
    assert.ok(Math.max(...chunks) > 31 * MiB, `largest chunk ${(Math.max(...chunks) / MiB).toFixed(1)} MiB`);
  });

  it("clamps the setting to Snowflake's range, 16 to 160 MB", () => {
    assert.equal(chunkCapBytes(5), 16 * MiB);
    assert.equal(chunkCapBytes(48), 48 * MiB);
    assert.equal(chunkCapBytes('32'), 32 * MiB);
    assert.equal(chunkCapBytes(1000), 160 * MiB);
    assert.equal(chunkCapBytes(undefined), 160 * MiB);
  });
});
