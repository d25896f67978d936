// Where each chunk's cell sits on the chunk map. Partitions (days, for the seed's tables) follow
// each other in plan order, each one a contiguous run of cells in split order: small partitions
// share a line (a one-cell gap between them), a partition wider than the line gets lines of its
// own, so that a heavy day is a block and a stuck or failing day stands out either way. A header
// line starts each table. Hit-testing maps a pointer back to a chunk without scanning all cells,
// so 11,000 chunks stay cheap to hover.
import type { ChunkLayout } from '../../../protocol/panel';

/** A run of cells of one partition: on one line, or on whole lines of its own. */
export interface MapSegment {
  /** Index (layout order) of its first chunk, and how many. */
  first: number;
  count: number;
  /** Column where it starts. */
  column: number;
  partition: number;
}

export interface MapBand {
  kind: 'table' | 'partition';
  /** A table's name, or the first partition's label on this band. */
  label: string;
  /** Top of the band, px. */
  y: number;
  height: number;
  /** Partition bands: their segments, left to right. */
  segments: MapSegment[];
}

export interface MapGeometry {
  /** Cell pitch (cell + gap), px. */
  pitch: number;
  cell: number;
  labelWidth: number;
  columns: number;
  width: number;
  height: number;
  bands: MapBand[];
  /** Left and top of each chunk's cell, in layout order. */
  x: Int32Array;
  y: Int32Array;
}

export interface MapOptions {
  width: number;
  /** The map prefers the largest cell that fits this height; below the smallest it scrolls. */
  maxHeight: number;
  labelWidth?: number;
  tableHeaderHeight?: number;
}

/** Cell pitches tried, largest first. */
export const CELL_PITCHES = [14, 12, 10, 8, 6, 5, 4] as const;

export function layoutChunkMap(layout: ChunkLayout, tableNames: ReadonlyMap<number, string>, options: MapOptions): MapGeometry {
  const labelWidth = options.labelWidth ?? 110;
  const headerHeight = options.tableHeaderHeight ?? 18;
  let geometry: MapGeometry | undefined;
  for (const pitch of CELL_PITCHES) {
    geometry = place(layout, tableNames, pitch, labelWidth, headerHeight, options.width);
    if (geometry.height <= options.maxHeight) break;
  }
  return geometry!;
}

function place(
  layout: ChunkLayout,
  tableNames: ReadonlyMap<number, string>,
  pitch: number,
  labelWidth: number,
  headerHeight: number,
  width: number,
): MapGeometry {
  const columns = Math.max(1, Math.floor((width - labelWidth) / pitch));
  const n = layout.chunkIds.length;
  const x = new Int32Array(n);
  const y = new Int32Array(n);
  const bands: MapBand[] = [];
  let top = 0;
  let table: number | undefined;
  /** The open line partitions are packed into, and the next free column on it. */
  let line: MapBand | undefined;
  let free = 0;
  const closeLine = () => {
    if (line) top += line.height;
    line = undefined;
  };
  let i = 0;
  while (i < n) {
    const partition = layout.partitionIndex[i]!;
    const tableOrdinal = layout.tableOrdinals[i]!;
    if (tableOrdinal !== table) {
      closeLine();
      table = tableOrdinal;
      bands.push({ kind: 'table', label: tableNames.get(tableOrdinal) ?? `table ${tableOrdinal}`, y: top, height: headerHeight, segments: [] });
      top += headerHeight;
    }
    let end = i;
    while (end < n && layout.partitionIndex[end] === partition) end++;
    const count = end - i;
    const label = layout.partitions[partition]?.label ?? '';
    const gap = line && line.segments.length > 0 ? 1 : 0;
    if (count > columns) {
      // Wider than a line: whole lines of its own.
      closeLine();
      const lines = Math.ceil(count / columns);
      bands.push({ kind: 'partition', label, y: top, height: lines * pitch, segments: [{ first: i, count, column: 0, partition }] });
      for (let k = 0; k < count; k++) {
        x[i + k] = labelWidth + (k % columns) * pitch;
        y[i + k] = top + Math.floor(k / columns) * pitch;
      }
      top += lines * pitch;
    } else {
      if (!line || free + gap + count > columns) {
        closeLine();
        line = { kind: 'partition', label, y: top, height: pitch, segments: [] };
        bands.push(line);
        free = 0;
      }
      const column = free + (line.segments.length > 0 ? 1 : 0);
      line.segments.push({ first: i, count, column, partition });
      for (let k = 0; k < count; k++) {
        x[i + k] = labelWidth + (column + k) * pitch;
        y[i + k] = top;
      }
      free = column + count;
    }
    i = end;
  }
  closeLine();
  return { pitch, cell: Math.max(2, pitch - (pitch >= 8 ? 2 : 1)), labelWidth, columns, width, height: top, bands, x, y };
}

/** The index (layout order) of the chunk under a point, or -1. */
export function chunkAt(geometry: MapGeometry, px: number, py: number): number {
  const { bands, pitch, labelWidth, columns } = geometry;
  if (px < labelWidth || py < 0) return -1;
  let lo = 0;
  let hi = bands.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bands[mid]!.y <= py) lo = mid;
    else hi = mid - 1;
  }
  const band = bands[lo];
  if (!band || band.kind !== 'partition' || py >= band.y + band.height) return -1;
  const column = Math.floor((px - labelWidth) / pitch);
  if (column >= columns) return -1;
  const lineIndex = Math.floor((py - band.y) / pitch);
  for (const s of band.segments) {
    // A segment on whole lines of its own wraps; one sharing a line spans [column, column + count).
    const k = band.segments.length === 1 && s.column === 0 ? lineIndex * columns + column : lineIndex === 0 ? column - s.column : -1;
    if (k >= 0 && k < s.count) return s.first + k;
  }
  return -1;
}
