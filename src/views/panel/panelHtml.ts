// The progress panel's page: its structure, labels and security policy. The webview script
// (media/panel.js, built from ./webview) fills it in. Scripts run only with this page's nonce;
// styles and fonts load only from the extension's media folder (webview.cspSource). Plain
// strings, no vscode: tested in plain Node.

export interface PanelPage {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The run's id, so the page has a title before the first snapshot arrives. */
  runId: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function panelHtml(page: PanelPage): string {
  const runId = escapeHtml(page.runId);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.cspSource, page.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${page.styleUri}" nonce="${page.nonce}">
<title>Migration ${runId}</title>
</head>
<body>
<main id="panel" aria-busy="true" data-run-id="${runId}">
  <header class="head">
    <h1 id="title">Run ${runId}</h1>
    <span id="status" class="status" role="status"></span>
    <span id="source" class="muted"></span>
  </header>
  <div id="problem" class="problem" role="alert" hidden></div>
  <div id="run-error" class="problem" role="alert" hidden></div>

  <section class="card" aria-labelledby="h-progress">
    <h2 id="h-progress">Progress</h2>
    <vscode-progress-bar id="overall-bar" max="100" aria-label="Rows loaded, percent"></vscode-progress-bar>
    <dl class="stats">
      <div><dt>Done</dt><dd><span id="percent" data-testid="percent">–</span> <span id="rows" class="muted"></span></dd></div>
      <div><dt>Chunks</dt><dd id="chunks">–</dd></div>
      <div><dt>Current</dt><dd id="current-rate">–</dd></div>
      <div><dt>Average</dt><dd id="average-rate">–</dd></div>
      <div><dt>Elapsed</dt><dd id="elapsed">–</dd></div>
      <div><dt>ETA</dt><dd id="eta">–</dd></div>
    </dl>
  </section>

  <section class="card" aria-labelledby="h-tune">
    <h2 id="h-tune">Threads and batch size</h2>
    <form id="tune-form" class="tune">
      <vscode-label for="threads">Threads</vscode-label>
      <vscode-textfield id="threads" type="number" min="1" max="256" aria-label="Threads"></vscode-textfield>
      <vscode-label for="batch-size">Batch size (rows per chunk)</vscode-label>
      <vscode-textfield id="batch-size" type="number" min="1" aria-label="Batch size, rows per chunk"></vscode-textfield>
      <vscode-button id="tune-apply" type="submit">Apply</vscode-button>
    </form>
    <p id="threads-note" class="muted"></p>
    <p id="tune-result" class="muted" aria-live="polite"></p>
  </section>

  <section class="card" aria-labelledby="h-tables">
    <h2 id="h-tables">Tables</h2>
    <div id="tables"></div>
  </section>

  <section class="card" aria-labelledby="h-map">
    <h2 id="h-map">Chunks</h2>
    <ul class="legend" aria-label="Chunk states">
      <li><span class="swatch pending"></span>pending</li>
      <li><span class="swatch in_progress"></span>loading</li>
      <li><span class="swatch completed"></span>completed</li>
      <li><span class="swatch failed"></span>failed</li>
    </ul>
    <div id="map-box" class="map-box">
      <canvas id="chunk-map" tabindex="0" role="img" aria-label="Chunk map. Arrow keys move between chunks."></canvas>
      <div id="map-tip" class="tip" role="tooltip" hidden></div>
    </div>
    <div id="chunk-detail" class="detail" aria-live="polite"></div>
  </section>

  <section class="card" aria-labelledby="h-throughput">
    <h2 id="h-throughput">Throughput (rows/s), tuning changes marked</h2>
    <div id="throughput-chart" class="chart" role="img" aria-label="Throughput over time"></div>
  </section>

  <section class="card" aria-labelledby="h-memory">
    <h2 id="h-memory">Worker memory (RSS, MB) against max_worker_memory_mb</h2>
    <div id="memory-chart" class="chart" role="img" aria-label="Worker memory over time"></div>
  </section>

  <section class="card" aria-labelledby="h-verify">
    <h2 id="h-verify">Verification against the source</h2>
    <div id="verification" aria-live="polite"><p class="muted">Reading the newest verification…</p></div>
  </section>

  <section class="card" aria-labelledby="h-failed">
    <h2 id="h-failed">Failed chunks <span id="failed-count" class="count"></span></h2>
    <div id="failed"></div>
    <p id="failed-result" class="muted" aria-live="polite"></p>
  </section>
</main>
<script nonce="${page.nonce}" src="${page.scriptUri}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
