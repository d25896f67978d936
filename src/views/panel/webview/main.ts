// The progress panel's script (bundled into media/panel.js). It restores what it last showed
// from getState, says it is ready, then draws every snapshot the host sends: the newest wins, so
// a missed one costs nothing. Actions (tune, retry) go to the host, each answered once.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import type { ChunkLayout, HostToPanel, PanelSnapshot, PanelState, PanelToHost } from '../../../protocol/panel';
import { toViewModel } from '../model/viewModel';
import { MemoryChart, ThroughputChart } from './charts';
import { ChunkMapView, describe, type ChunkInfo } from './chunkMapView';
import { renderFailed, renderTables } from './sections';
import { renderVerification } from './verificationView';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const main = document.getElementById('panel')!;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let state: PanelState = vscode.getState() ?? { runId: main.dataset.runId ?? '', configPath: '', snapshot: null, selectedChunkId: null };
let nextActionId = 1;
const pending = new Map<number, (ok: boolean, message: string) => void>();

function post(message: PanelToHost): void {
  vscode.postMessage(message);
}

function act(message: Omit<Extract<PanelToHost, { id: number }>, 'id'>, done: (ok: boolean, message: string) => void): void {
  const id = nextActionId++;
  pending.set(id, done);
  post({ ...message, id } as PanelToHost);
}

// ---------------------------------------------------------------------------------------------
// The chunk map and the selected chunk

const detail = $('chunk-detail');
const map = new ChunkMapView($<HTMLCanvasElement>('chunk-map'), $('map-box'), $('map-tip'), showDetail, state.selectedChunkId);

function showDetail(info: ChunkInfo | undefined): void {
  state = { ...state, selectedChunkId: info?.chunkId ?? null };
  vscode.setState(state);
  detail.textContent = '';
  if (!info) return;
  const text = document.createElement('p');
  text.dataset.testid = 'selected-chunk';
  text.textContent = `Selected ${describe(info)} · ${info.rows.toLocaleString('en-US')} rows · ${info.duration} · ${info.attempts} attempt(s)`;
  detail.append(text);
  if (info.error) {
    const error = document.createElement('p');
    error.className = 'error';
    error.textContent = `${info.error.errorCode ? `[${info.error.errorCode}] ` : ''}${info.error.error}`;
    detail.append(error);
    detail.append(retryButton([info.chunkId], `Retry chunk ${info.chunkId}`, 'Retry'));
  }
}

function retryButton(chunkIds: number[], label: string, text: string): HTMLElement {
  const button = document.createElement('vscode-button');
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.dataset.chunkIds = chunkIds.join(',');
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    act({ type: 'chunks/retry', chunkIds }, (ok, message) => {
      button.removeAttribute('disabled');
      $('failed-result').textContent = message;
      if (!ok) button.focus();
    });
  });
  return button;
}

// ---------------------------------------------------------------------------------------------
// Tuning

const threads = $<HTMLInputElement>('threads');
const batchSize = $<HTMLInputElement>('batch-size');
const edited = new Set<HTMLElement>();
for (const field of [threads, batchSize]) field.addEventListener('input', () => edited.add(field));

/** One press of Apply fires both the button's click and the form's submit: one request at a time. */
let tuning = false;

function applyTuning(): void {
  if (tuning) return;
  const wanted: { threads?: number; batchSize?: number } = {};
  const t = Number(threads.value);
  const b = Number(batchSize.value);
  const run = state.snapshot?.run;
  if (Number.isInteger(t) && t > 0 && t !== run?.threads) wanted.threads = t;
  if (Number.isInteger(b) && b > 0 && b !== run?.batchSize) wanted.batchSize = b;
  const result = $('tune-result');
  if (wanted.threads === undefined && wanted.batchSize === undefined) {
    result.textContent = 'Nothing to change: enter another thread count or batch size.';
    return;
  }
  result.textContent = 'Applying…';
  tuning = true;
  act({ type: 'run/tune', ...wanted }, (ok, message) => {
    tuning = false;
    result.textContent = message;
    if (ok) edited.clear();
  });
}

$('tune-form').addEventListener('submit', (e) => {
  e.preventDefault();
  applyTuning();
});
$('tune-apply').addEventListener('click', applyTuning);
for (const field of [threads, batchSize]) {
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') applyTuning();
  });
}

// ---------------------------------------------------------------------------------------------
// Drawing a snapshot

const throughput = new ThroughputChart($('throughput-chart'));
const memory = new MemoryChart($('memory-chart'));

function draw(snapshot: PanelSnapshot): void {
  const vm = toViewModel(snapshot, Date.now());
  main.setAttribute('aria-busy', 'false');
  main.dataset.status = vm.status;
  $('title').textContent = `Run ${vm.runId}`;
  $('status').textContent = vm.status.replace('_', ' ');
  $('status').className = `status ${vm.status}`;
  $('source').textContent = vm.source;
  showProblem('problem', vm.problem && `Cannot refresh: ${vm.problem}`);
  showProblem('run-error', vm.error);
  const bar = $('overall-bar') as HTMLElement & { value?: number };
  bar.value = vm.percent;
  bar.setAttribute('aria-valuetext', `${vm.percent}%`);
  $('percent').textContent = `${vm.percent}%`;
  $('rows').textContent = vm.progressText;
  $('chunks').textContent = vm.chunksText;
  $('current-rate').textContent = vm.currentRate;
  $('average-rate').textContent = vm.averageRate;
  $('elapsed').textContent = vm.elapsed;
  $('eta').textContent = vm.eta;
  $('eta').dataset.state = vm.etaState;
  if (!edited.has(threads) && document.activeElement !== threads) threads.value = String(vm.threads);
  if (!edited.has(batchSize) && document.activeElement !== batchSize) batchSize.value = String(vm.batchSize);
  $('threads-note').textContent = vm.threadsNote;
  renderTables($('tables'), vm.tables);
  const names = new Map(snapshot.tables.map((t) => [t.tableOrdinal, t.sourceTable]));
  map.update(snapshot.chunkStates, snapshot.failed, names);
  if (map.layoutKey !== snapshot.chunkStates.layoutKey) post({ type: 'layout/request' });
  $('failed-count').textContent = vm.failedCount ? `(${vm.failedCount})` : '';
  renderFailed($('failed'), vm.failedGroups, { retryButton, select: (chunkId) => map.selectChunk(chunkId) });
  throughput.update(vm);
  memory.update(vm);
}

function showProblem(id: string, text: string | null): void {
  const el = $(id);
  el.hidden = !text;
  el.textContent = text ?? '';
}

// ---------------------------------------------------------------------------------------------
// Messages

window.addEventListener('message', (event: MessageEvent<HostToPanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot/update':
      if (state.snapshot && message.snapshot.seq <= state.snapshot.seq && message.snapshot.takenAt <= state.snapshot.takenAt) return;
      state = { ...state, runId: message.snapshot.run.runId, configPath: message.snapshot.run.configPath, snapshot: message.snapshot };
      vscode.setState(state);
      draw(message.snapshot);
      break;
    case 'layout/update':
      setLayout(message.layout);
      break;
    case 'action/done':
      pending.get(message.id)?.(message.ok, message.message);
      pending.delete(message.id);
      break;
    case 'verification/update':
      state = { ...state, verification: message.verification };
      vscode.setState(state);
      renderVerification($('verification'), message.verification);
      break;
  }
});

function setLayout(layout: ChunkLayout): void {
  map.setLayout(layout);
  if (state.snapshot) draw(state.snapshot);
}

// A theme change (light, dark, high contrast) changes the CSS variables the canvases read.
new MutationObserver(() => {
  map.redraw();
  throughput.rebuild();
  memory.rebuild();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

if (state.snapshot) draw(state.snapshot);
if (state.verification !== undefined) renderVerification($('verification'), state.verification);
post({ type: 'panel/ready', layoutKey: map.layoutKey });
