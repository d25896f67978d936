// The chunk map on a canvas: one cell per chunk, coloured by state, so 11,000 chunks are one draw
// call loop rather than 11,000 DOM nodes. Hover shows a chunk's range, rows, duration, attempts and
// error; a click or the arrow keys select one (the detail below the map and its Retry button follow).
import type { ChunkLayout, ChunkStates, FailedChunk } from '../../../protocol/panel';
import { chunkStateOfCode } from '../../../protocol/panel';
import type { ChunkState } from '../../../protocol/states';
import { chunkAt, layoutChunkMap, type MapGeometry } from '../model/chunkMapGeometry';
import { formatDuration, formatSplitRange } from '../model/format';

export interface ChunkInfo {
  index: number;
  chunkId: number;
  tableOrdinal: number;
  partition: string;
  range: string;
  rows: number;
  state: ChunkState;
  attempts: number;
  duration: string;
  error: FailedChunk | undefined;
}

const MAX_HEIGHT = 560;

export class ChunkMapView {
  private layout: ChunkLayout | undefined;
  private states: ChunkStates | undefined;
  private failedById = new Map<number, FailedChunk>();
  private tableNames = new Map<number, string>();
  private geometry: MapGeometry | undefined;
  private hovered = -1;
  private selectedChunkId: number | null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly box: HTMLElement,
    private readonly tip: HTMLElement,
    private readonly onSelect: (chunk: ChunkInfo | undefined) => void,
    selectedChunkId: number | null,
  ) {
    this.selectedChunkId = selectedChunkId;
    canvas.addEventListener('mousemove', (e) => this.hover(e));
    canvas.addEventListener('mouseleave', () => this.hideTip());
    canvas.addEventListener('click', (e) => {
      const index = this.indexAt(e);
      if (index >= 0) this.select(index);
    });
    canvas.addEventListener('keydown', (e) => this.key(e));
    new ResizeObserver(() => this.relayout()).observe(box);
  }

  get layoutKey(): string | null {
    return this.layout?.key ?? null;
  }

  setLayout(layout: ChunkLayout): void {
    this.layout = layout;
    this.relayout();
  }

  update(states: ChunkStates, failed: FailedChunk[], tableNames: Map<number, string>): void {
    this.states = states;
    this.failedById = new Map(failed.map((f) => [f.chunkId, f]));
    const namesChanged = [...tableNames].some(([k, v]) => this.tableNames.get(k) !== v);
    this.tableNames = tableNames;
    if (namesChanged) this.relayout();
    else this.draw();
    const selected = this.selectedIndex();
    if (selected >= 0) this.onSelect(this.info(selected));
  }

  /** Colours come from the theme's CSS variables: redraw when the theme changes. */
  redraw(): void {
    this.draw();
  }

  info(index: number): ChunkInfo | undefined {
    const l = this.layout;
    const s = this.states;
    if (!l || !s || s.layoutKey !== l.key || index < 0 || index >= l.chunkIds.length) return undefined;
    const chunkId = l.chunkIds[index]!;
    const duration = s.durationMs[index] ?? -1;
    return {
      index,
      chunkId,
      tableOrdinal: l.tableOrdinals[index]!,
      partition: l.partitions[l.partitionIndex[index]!]?.label ?? '',
      range: formatSplitRange(l.splitLow[index] ?? null, l.splitHigh[index] ?? null, l.splitIsNull[index] ?? false),
      rows: l.rowsExpected[index]!,
      state: chunkStateOfCode(s.codes[index] ?? 'p'),
      attempts: s.attempts[index] ?? 0,
      duration: duration < 0 ? '—' : formatDuration(duration / 1000),
      error: this.failedById.get(chunkId),
    };
  }

  /** Selects a chunk by id and scrolls the map to it. */
  selectChunk(chunkId: number): void {
    const index = this.layout?.chunkIds.indexOf(chunkId) ?? -1;
    if (index < 0 || !this.geometry) return;
    this.select(index);
    this.box.scrollTop = Math.max(0, this.geometry.y[index]! - this.box.clientHeight / 2);
  }

  private selectedIndex(): number {
    if (this.selectedChunkId === null || !this.layout) return -1;
    return this.layout.chunkIds.indexOf(this.selectedChunkId);
  }

  private select(index: number): void {
    const info = this.info(index);
    this.selectedChunkId = info?.chunkId ?? null;
    this.draw();
    this.onSelect(info);
    if (info) this.canvas.setAttribute('aria-label', `Chunk map. Selected: ${describe(info)}. Arrow keys move between chunks.`);
  }

  private key(e: KeyboardEvent): void {
    const g = this.geometry;
    if (!g || !this.layout) return;
    const n = this.layout.chunkIds.length;
    const current = this.selectedIndex();
    let next = current < 0 ? 0 : current;
    if (e.key === 'ArrowRight') next = Math.min(n - 1, current + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, current - 1);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') next = this.verticalNeighbour(g, Math.max(0, current), e.key === 'ArrowDown' ? 1 : -1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else return;
    e.preventDefault();
    this.select(next);
  }

  /** The chunk straight below (or above) on the next line, else the nearest one on that line. */
  private verticalNeighbour(g: MapGeometry, from: number, direction: 1 | -1): number {
    const straight = chunkAt(g, g.x[from]! + 1, g.y[from]! + direction * g.pitch + 1);
    if (straight >= 0) return straight;
    const n = g.x.length;
    let i = from;
    while (i + direction >= 0 && i + direction < n && g.y[i + direction] === g.y[from]) i += direction;
    i += direction;
    if (i < 0 || i >= n) return from;
    // i is on the adjacent line: walk along it to the cell closest to our column.
    const line = g.y[i]!;
    let best = i;
    for (let j = i; j >= 0 && j < n && g.y[j] === line; j += direction) {
      if (Math.abs(g.x[j]! - g.x[from]!) < Math.abs(g.x[best]! - g.x[from]!)) best = j;
    }
    return best;
  }

  private indexAt(e: MouseEvent): number {
    if (!this.geometry) return -1;
    const rect = this.canvas.getBoundingClientRect();
    return chunkAt(this.geometry, e.clientX - rect.left, e.clientY - rect.top);
  }

  private hover(e: MouseEvent): void {
    const index = this.indexAt(e);
    if (index === this.hovered && !this.tip.hidden) {
      this.placeTip(e);
      return;
    }
    this.hovered = index;
    const info = this.info(index);
    if (!info) return this.hideTip();
    this.tip.textContent = '';
    for (const line of tipLines(info)) {
      const div = document.createElement('div');
      div.textContent = line;
      this.tip.append(div);
    }
    this.tip.hidden = false;
    this.placeTip(e);
  }

  private placeTip(e: MouseEvent): void {
    const box = this.box.getBoundingClientRect();
    const x = e.clientX - box.left + this.box.scrollLeft + 14;
    const y = e.clientY - box.top + this.box.scrollTop + 14;
    this.tip.style.left = `${Math.min(x, box.width - this.tip.offsetWidth - 4)}px`;
    this.tip.style.top = `${y}px`;
  }

  private hideTip(): void {
    this.hovered = -1;
    this.tip.hidden = true;
  }

  private relayout(): void {
    if (!this.layout) return;
    const width = Math.max(240, this.box.clientWidth);
    this.geometry = layoutChunkMap(this.layout, this.tableNames, { width, maxHeight: MAX_HEIGHT });
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(Math.max(1, this.geometry.height) * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.geometry.height}px`;
    this.draw();
  }

  private draw(): void {
    const g = this.geometry;
    const l = this.layout;
    const s = this.states;
    const ctx = this.canvas.getContext('2d');
    if (!g || !l || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, g.width, g.height);
    const css = getComputedStyle(document.body);
    const colour = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const fills: Record<string, string> = {
      p: colour('--thaw-chunk-pending', '#8884'),
      r: colour('--thaw-chunk-loading', '#3794ff'),
      c: colour('--thaw-chunk-completed', '#388a34'),
      f: colour('--thaw-chunk-failed', '#e51400'),
    };
    const fg = colour('--vscode-foreground', '#888');
    const font = colour('--vscode-font-family', 'sans-serif');
    ctx.textBaseline = 'middle';
    let lastLabelBottom = -Infinity;
    for (const band of g.bands) {
      if (band.kind === 'table') {
        ctx.fillStyle = fg;
        ctx.font = `600 12px ${font}`;
        ctx.fillText(band.label, 0, band.y + band.height / 2);
        lastLabelBottom = band.y + band.height;
      } else if (band.y >= lastLabelBottom) {
        ctx.fillStyle = fg;
        ctx.font = `11px ${font}`;
        ctx.fillText(band.label, 0, band.y + Math.max(6, Math.min(band.height, 14) / 2), g.labelWidth - 6);
        lastLabelBottom = band.y + 12;
      }
    }
    const valid = s && s.layoutKey === l.key;
    for (const code of ['p', 'r', 'c', 'f']) {
      ctx.fillStyle = fills[code]!;
      for (let i = 0; i < l.chunkIds.length; i++) {
        if ((valid ? s.codes[i] : 'p') === code) ctx.fillRect(g.x[i]!, g.y[i]!, g.cell, g.cell);
      }
    }
    const selected = this.selectedIndex();
    if (selected >= 0) {
      ctx.strokeStyle = colour('--vscode-focusBorder', fg);
      ctx.lineWidth = 2;
      ctx.strokeRect(g.x[selected]! - 1.5, g.y[selected]! - 1.5, g.cell + 3, g.cell + 3);
    }
  }
}

export function describe(info: ChunkInfo): string {
  return `chunk ${info.chunkId}, ${info.partition}, ${info.range}, ${info.state.replace('_', ' ')}`;
}

function tipLines(info: ChunkInfo): string[] {
  const lines = [
    `Chunk ${info.chunkId} · ${info.state.replace('_', ' ')}`,
    `${info.partition} · ${info.range}`,
    `${info.rows.toLocaleString('en-US')} rows · ${info.duration} · ${info.attempts} attempt${info.attempts === 1 ? '' : 's'}`,
  ];
  if (info.error) lines.push(`${info.error.errorCode ? `[${info.error.errorCode}] ` : ''}${info.error.error}`);
  return lines;
}
