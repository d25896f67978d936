// Bundles the extension, the engine worker, the CLI, the demo, the benchmark and the chaos run into dist/.
// Native or dynamically-loading packages stay external and are resolved from node_modules.
import { build } from 'esbuild';
import { generateSqlModule } from './scripts/generate-sql.mjs';
import { common } from './scripts/esbuild-options.mjs';

await generateSqlModule();

const entries = {
  extension: 'src/extension.ts',
  worker: 'src/engine/worker/main.ts',
  cli: 'src/engine/cli/main.ts',
  demo: 'src/demo/main.ts',
  bench: 'src/bench/main.ts',
  chaos: 'src/chaos/main.ts',
};

// The progress panel's webview script and styles (uPlot's and @vscode-elements' included): the
// only files the panel's localResourceRoots allow.
const webview = build({
  entryPoints: ['src/views/panel/webview/main.ts'],
  outfile: 'media/panel.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
});

await Promise.all([
  ...Object.entries(entries).map(([name, entry]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile: `dist/${name}.cjs`,
      banner: { js: (name === 'cli' ? '#!/usr/bin/env node\n' : '') + common.banner.js },
    }),
  ),
  webview,
]);
