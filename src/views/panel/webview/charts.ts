// The two time charts, drawn by uPlot (a small canvas chart made for streaming time series):
// throughput with a vertical mark at every tuning change, and the worker's RSS under the
// max_worker_memory_mb line. Colours come from the theme's CSS variables; a theme change rebuilds.
import uPlot from 'uplot';
import type { PanelViewModel } from '../model/viewModel';
import { formatCount } from '../model/format';

const HEIGHT = 180;

function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A see-through version of a theme colour for an area fill; none when the theme gives no plain hex. */
function translucent(colour: string): string | undefined {
  return /^#[0-9a-f]{6}$/i.test(colour) ? `${colour}33` : undefined;
}

function axes(countValues: boolean): uPlot.Axis[] {
  const stroke = cssColour('--vscode-descriptionForeground', '#888');
  const grid = { stroke: cssColour('--vscode-editorWidget-border', '#8883'), width: 1 };
  return [
    { stroke, grid, ticks: grid },
    countValues ? { stroke, grid, ticks: grid, size: 56, values: (_u, splits) => splits.map((v) => formatCount(v)) } : { stroke, grid, ticks: grid, size: 56 },
  ];
}

/** A chart that keeps its uPlot instance across updates and rebuilds it on resize or theme change. */
abstract class TimeChart {
  private plot: uPlot | undefined;
  protected last: PanelViewModel | undefined;

  constructor(protected readonly host: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(host);
  }

  protected width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  update(vm: PanelViewModel): void {
    this.last = vm;
    const data = this.data(vm);
    if (this.plot) this.plot.setData(data);
    else this.plot = new uPlot(this.options(), data, this.host);
    this.host.setAttribute('aria-label', this.describe(vm));
  }

  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.last) this.update(this.last);
  }

  protected abstract data(vm: PanelViewModel): uPlot.AlignedData;
  protected abstract options(): uPlot.Options;
  protected abstract describe(vm: PanelViewModel): string;
}

export class ThroughputChart extends TimeChart {
  protected data(vm: PanelViewModel): uPlot.AlignedData {
    return [vm.throughput.t, vm.throughput.values];
  }

  protected options(): uPlot.Options {
    const line = cssColour('--vscode-charts-blue', '#3794ff');
    const mark = cssColour('--vscode-charts-orange', '#d18616');
    const font = cssColour('--vscode-font-family', 'sans-serif');
    return {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: axes(true),
      series: [{}, { label: 'rows/s', stroke: line, fill: translucent(line), width: 1.5, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) }],
      hooks: {
        draw: [
          (u) => {
            const marks = this.last?.throughput.marks ?? [];
            const { ctx } = u;
            const ratio = window.devicePixelRatio || 1;
            ctx.save();
            ctx.strokeStyle = mark;
            ctx.fillStyle = mark;
            ctx.setLineDash([4 * ratio, 3 * ratio]);
            ctx.lineWidth = ratio;
            ctx.font = `${11 * ratio}px ${font}`;
            for (const m of marks) {
              const x = u.valToPos(m.t, 'x', true);
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillText(m.label, x + 4 * ratio, u.bbox.top + 12 * ratio);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  protected describe(vm: PanelViewModel): string {
    const latest = vm.throughput.values[vm.throughput.values.length - 1];
    return `Throughput over time: ${latest === undefined ? 'no chunk completed yet' : `latest ${formatCount(latest)} rows/s`}; ${vm.throughput.marks.length} tuning change(s) marked.`;
  }
}

export class MemoryChart extends TimeChart {
  protected data(vm: PanelViewModel): uPlot.AlignedData {
    const limit = vm.memory.limitMb;
    return [vm.memory.t, vm.memory.values, vm.memory.t.map(() => limit)];
  }

  protected options(): uPlot.Options {
    const line = cssColour('--vscode-charts-purple', '#b180d7');
    const limit = cssColour('--vscode-charts-red', '#f14c4c');
    return {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(64, max * 1.1)] } },
      axes: axes(false),
      series: [{}, { label: 'RSS MB', stroke: line, width: 1.5, points: { show: false } }, { label: 'max_worker_memory_mb', stroke: limit, dash: [6, 4], width: 1, points: { show: false } }],
    };
  }

  protected describe(vm: PanelViewModel): string {
    const latest = vm.memory.values[vm.memory.values.length - 1];
    return `Worker memory: ${latest === undefined ? 'no sample yet' : `${latest} MB now`}, peak ${vm.memory.peakMb} MB, limit ${vm.memory.limitMb ?? 'unknown'} MB.`;
  }
}
