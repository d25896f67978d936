import assert from 'node:assert/strict';
import { contentSecurityPolicy, panelHtml } from '../../src/views/panel/panelHtml';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utb2YtdGhpcy1wYWdl',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  runId: 'r<script>',
};

describe('panel page', () => {
  const html = panelHtml(page);

  it('allows scripts only with its nonce and styles only from the media folder', () => {
    const csp = contentSecurityPolicy(page.cspSource, page.nonce);
    assert.ok(html.includes(`content="${csp}"`));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, new RegExp(`script-src 'nonce-${page.nonce}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.ok(scripts.every((s) => s.includes(`nonce="${page.nonce}"`) && s.includes(`src="${page.scriptUri}"`)));
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  });

  it('escapes the run id it shows before the first snapshot', () => {
    assert.ok(!html.includes('r<script>'));
    assert.ok(html.includes('Run r&#60;script&#62;'));
  });

  it('labels every control and region for screen readers', () => {
    for (const tag of html.match(/<(vscode-textfield|vscode-progress-bar|canvas)[^>]*>/g) ?? []) {
      assert.match(tag, /aria-label="[^"]+"/, `${tag} has no label`);
    }
    for (const section of html.match(/<section[^>]*>/g) ?? []) {
      const id = /aria-labelledby="([^"]+)"/.exec(section)?.[1];
      assert.ok(id && html.includes(`id="${id}"`), `${section} has no heading`);
    }
    assert.match(html, /<canvas id="chunk-map" tabindex="0"/, 'the chunk map is reachable by keyboard');
  });
});
