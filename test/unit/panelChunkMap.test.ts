import assert from 'node:assert/strict';
import type { ChunkLayout } from '../../src/protocol/panel';
import { chunkAt, layoutChunkMap } from '../../src/views/panel/model/chunkMapGeometry';
import { RunRecorder } from '../../src/views/panel/model/runRecorder';
import { chunkMap, statusRead } from './panelFixtures';

function layoutOf(map: ReturnType<typeof chunkMap>): ChunkLayout {
  const recorder = new RunRecorder('run-1', '/ws/config.json');
  recorder.applyRead(statusRead({ chunkMap: map }), Date.now());
  return recorder.chunkLayout()!;
}

const names = new Map([
  [0, 'FACT'],
  [1, 'DIM'],
]);

describe('panel chunk map layout', () => {
  // The seed's shape: 200 days, one of them very heavy (480 chunks), 11,000 chunks in all.
  const perPartition = (p: number) => (p === 57 ? 480 : p < 173 ? 53 : 52);
  const map = chunkMap({ partitions: 200, perPartition });
  const layout = layoutOf(map);

  it('lays out 11,000 chunks: one cell each, none overlapping, inside the map', () => {
    assert.equal(layout.chunkIds.length, 11_000);
    const g = layoutChunkMap(layout, names, { width: 900, maxHeight: 600 });
    const seen = new Set<string>();
    for (let i = 0; i < layout.chunkIds.length; i++) {
      const key = `${g.x[i]},${g.y[i]}`;
      assert.ok(!seen.has(key), `chunk ${i} shares cell ${key}`);
      seen.add(key);
      assert.ok(g.x[i]! >= g.labelWidth && g.x[i]! + g.pitch <= g.width, `chunk ${i} outside the map horizontally`);
      assert.ok(g.y[i]! >= 0 && g.y[i]! + g.pitch <= g.height, `chunk ${i} outside the map vertically`);
    }
  });

  it('gives each partition its own band, cells in split order, the heavy day wrapping onto more lines', () => {
    const g = layoutChunkMap(layout, names, { width: 900, maxHeight: 600 });
    const partitionBands = g.bands.filter((b) => b.kind === 'partition');
    assert.equal(partitionBands.length, 200);
    assert.equal(g.bands[0]!.kind, 'table');
    for (const band of partitionBands) {
      for (let k = 0; k < band.count; k++) {
        const i = band.first + k;
        assert.ok(g.y[i]! >= band.y && g.y[i]! < band.y + band.height, 'a cell outside its partition band');
        if (k > 0) {
          const prev = i - 1;
          const later = g.y[i]! > g.y[prev]! || (g.y[i] === g.y[prev] && g.x[i]! > g.x[prev]!);
          assert.ok(later, 'cells of a partition out of split order');
        }
      }
    }
    const heavy = partitionBands[57]!;
    assert.equal(heavy.count, 480);
    assert.equal(heavy.label, '2025-02-27');
    assert.ok(heavy.height > partitionBands[0]!.height, 'the heavy day takes more lines than a normal one');
  });

  it('picks the largest cells that fit the height, and scrolls only below the smallest', () => {
    const small = layoutOf(chunkMap({ partitions: 3, perPartition: () => 20 }));
    const big = layoutChunkMap(small, names, { width: 900, maxHeight: 600 });
    assert.equal(big.pitch, 14);
    const dense = layoutChunkMap(layout, names, { width: 900, maxHeight: 600 });
    assert.ok(dense.pitch < 14);
    assert.ok(dense.height <= 600 || dense.pitch === 4);
  });

  it('hit-testing finds the chunk under every cell, and nothing between bands or in the label column', () => {
    const g = layoutChunkMap(layout, names, { width: 900, maxHeight: 600 });
    for (let i = 0; i < layout.chunkIds.length; i += 7) {
      assert.equal(chunkAt(g, g.x[i]! + 1, g.y[i]! + 1), i);
    }
    assert.equal(chunkAt(g, 5, g.y[100]!), -1);
    assert.equal(chunkAt(g, g.labelWidth + 1, 1), -1, 'the table header is not a chunk');
    const firstBand = g.bands[1]!;
    const pastLastCell = g.labelWidth + (firstBand.count % g.columns) * g.pitch + 1;
    assert.equal(chunkAt(g, pastLastCell, firstBand.y + firstBand.height - 1), -1, 'the empty rest of a band is not a chunk');
  });

  it('starts each table with a header band', () => {
    const two = layoutOf(chunkMap({ partitions: 2, perPartition: () => 5, tables: 2 }));
    const g = layoutChunkMap(two, names, { width: 600, maxHeight: 400 });
    assert.deepEqual(
      g.bands.map((b) => `${b.kind}:${b.label}`),
      ['table:FACT', 'partition:2025-01-01', 'partition:2025-01-02', 'table:DIM', 'partition:2025-01-01', 'partition:2025-01-02'],
    );
  });
});
