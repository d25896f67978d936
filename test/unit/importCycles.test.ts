// No import cycles in src/ (type-only imports count too: a cycle of types is still two modules
// that cannot be understood, or moved, one without the other). dpdm parses the TypeScript.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseCircular, parseDependencyTree, prettyCircular, shortenTree } from 'dpdm';

/** The cycles among `dir`'s TypeScript files, as paths relative to it. */
async function importCycles(dir: string): Promise<string[][]> {
  const tree = await parseDependencyTree(join(dir, '**/*.ts'), { context: dir, transform: false, skipDynamicImports: false });
  return parseCircular(shortenTree(dir, tree));
}

describe('import graph', () => {
  it('has no cycles in src/', async () => {
    const cycles = await importCycles(join(process.cwd(), 'src'));
    assert.deepEqual(cycles, [], `import cycles:\n${prettyCircular(cycles)}`);
  });

  it('would report a cycle (the check itself works)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thaw-cycles-'));
    try {
      await writeFile(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b: B }\n");
      await writeFile(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a: A }\n");
      const cycles = await importCycles(dir);
      assert.deepEqual(cycles.map((cycle) => cycle.map((file) => basename(file)).sort()), [['a.ts', 'b.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
