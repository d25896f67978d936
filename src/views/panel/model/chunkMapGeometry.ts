// Where each chunk's cell sits on the chunk map. One band per partition (a day, for the seed's
// tables), cells left to right in split order, wrapping onto more lines when a partition has more
// chunks than fit in a line; a header line before each table. A stuck or failing day is then one
// band that stands out. Hit-testing maps a pointer back to a chunk without scanning all cells, so
// 11,000 chunks stay cheap to hover.
import type { ChunkLayout } from '../../../protocol/panel';

export interface MapBand {
  kind: 'table' | 'partition';
  label: string;
  /** Top of the band, px. */
  y: number;
  height: number;
  /** Partition bands: index of the first chunk in layout order, and how many. */
  first: number;
  count: number;
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
  let i = 0;
  while (i < n) {
    const partition = layout.partitionIndex[i]!;
    const tableOrdinal = layout.tableOrdinals[i]!;
    if (tableOrdinal !== table) {
      table = tableOrdinal;
      bands.push({ kind: 'table', label: tableNames.get(tableOrdinal) ?? `table ${tableOrdinal}`, y: top, height: headerHeight, first: i, count: 0 });
      top += headerHeight;
    }
    let end = i;
    while (end < n && layout.partitionIndex[end] === partition) end++;
    const count = end - i;
    const lines = Math.ceil(count / columns);
    for (let k = 0; k < count; k++) {
      x[i + k] = labelWidth + (k % columns) * pitch;
      y[i + k] = top + Math.floor(k / columns) * pitch;
    }
    bands.push({ kind: 'partition', label: layout.partitions[partition]?.label ?? '', y: top, height: lines * pitch, first: i, count });
    top += lines * pitch;
    i = end;
  }
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
  const k = Math.floor((py - band.y) / pitch) * columns + column;
  return k < band.count ? band.first + k : -1;
}
