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

  it('keeps each partition contiguous in split order, packs small ones onto shared lines, gives the heavy day lines of its own', () => {
    const g = layoutChunkMap(layout, names, { width: 900, maxHeight: 600 });
    const segments = g.bands.flatMap((b) => b.segments);
    assert.deepEqual(segments.map((s) => s.partition), [...Array(200).keys()], 'every partition once, in plan order');
    for (const seg of segments) {
      for (let k = 1; k < seg.count; k++) {
        const i = seg.first + k;
        const later = g.y[i]! > g.y[i - 1]! || (g.y[i] === g.y[i - 1] && g.x[i] === g.x[i - 1]! + g.pitch);
        assert.ok(later, `cells of partition ${seg.partition} out of split order`);
      }
    }
    const heavyBand = g.bands.find((b) => b.segments.some((s) => s.partition === 57))!;
    assert.equal(heavyBand.segments.length, 1, 'the heavy day shares no line');
    assert.equal(heavyBand.label, '2025-02-27');
    assert.ok(heavyBand.height > g.pitch, 'the heavy day takes several lines');
    const shared = g.bands.filter((b) => b.kind === 'partition' && b.segments.length > 1);
    assert.ok(shared.length > 0, 'small days share lines');
    for (const band of shared) {
      const [a, b] = band.segments;
      assert.equal(b!.column, a!.column + a!.count + 1, 'one free column between two days on a line');
    }
  });

  it('packs one-chunk days side by side instead of one day per line', () => {
    const days = layoutOf(chunkMap({ partitions: 200, perPartition: () => 1 }));
    const g = layoutChunkMap(days, names, { width: 900, maxHeight: 600 });
    assert.equal(g.pitch, 14);
    assert.ok(g.bands.length < 10, `${g.bands.length} bands`);
    assert.equal(chunkAt(g, g.x[150]! + 1, g.y[150]! + 1), 150);
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
    for (let i = 0; i < layout.chunkIds.length; i++) {
      assert.equal(chunkAt(g, g.x[i]! + 1, g.y[i]! + 1), i);
    }
    assert.equal(chunkAt(g, 5, g.y[100]!), -1);
    assert.equal(chunkAt(g, g.labelWidth + 1, 1), -1, 'the table header is not a chunk');
    const shared = g.bands.find((b) => b.segments.length > 1)!;
    const [first] = shared.segments;
    const gapX = g.labelWidth + (first!.column + first!.count) * g.pitch + 1;
    assert.equal(chunkAt(g, gapX, shared.y + 1), -1, 'the gap between two days is not a chunk');
    const heavy = g.bands.find((b) => b.segments.some((s) => s.partition === 57))!;
    const tail = heavy.segments[0]!.count % g.columns;
    if (tail > 0) assert.equal(chunkAt(g, g.labelWidth + tail * g.pitch + 1, heavy.y + heavy.height - 1), -1, 'the empty rest of a block is not a chunk');
  });

  it('starts each table with a header band', () => {
    const two = layoutOf(chunkMap({ partitions: 2, perPartition: () => 5, tables: 2 }));
    const g = layoutChunkMap(two, names, { width: 600, maxHeight: 400 });
    assert.deepEqual(
      g.bands.map((b) => `${b.kind}:${b.label}:${b.segments.length}`),
      ['table:FACT:0', 'partition:2025-01-01:2', 'table:DIM:0', 'partition:2025-01-01:2'],
    );
  });
});
