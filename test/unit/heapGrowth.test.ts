// The worker's bounded heap growth (src/engine/source/heapGrowth.ts), on the garbage that made it
// necessary: multi-MB strings parsed into rows that stay live until the next ones replace them,
// four streams at a time. In a child process, since the setting applies to a whole process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const HEAP_GROWTH = new URL('../../src/engine/source/heapGrowth.ts', import.meta.url).href;

/** Peak heap size (MB) of a child that parses `chunks` chunk strings, with or without the bound. */
async function peakHeapMb(bounded: boolean, chunks = 120): Promise<number> {
  const script = `
    const { boundHeapGrowth } = await import(${JSON.stringify(HEAP_GROWTH)});
    if (${bounded}) boundHeapGrowth();
    const line = 'é'.repeat(10) + 'a'.repeat(300);
    const body = Buffer.from(Array.from({ length: 12000 }, (_, i) => JSON.stringify([line + i])).join(','), 'utf8');
    const streams = [[], [], [], []];
    let peak = 0;
    for (let i = 0; i < ${chunks}; i++) {
      const rows = JSON.parse('[' + body.toString('utf8') + ']').map((values, rowIndex) => ({ values, rowIndex }));
      streams[i % streams.length] = rows;
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(peak / 2 ** 20));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `the churning child failed: ${out}`);
  return Number(out.trim());
}

describe('worker heap growth bound', function () {
  this.timeout(120_000);

  it('keeps the heap near what is live where V8 left alone lets it grow far past it', async () => {
    const unbounded = await peakHeapMb(false);
    const bounded = await peakHeapMb(true);
    // Live: four streams of ~12k parsed rows (~40 MB) plus one chunk string (~8 MB) being parsed.
    assert.ok(bounded < 150, `bounded peak heap ${bounded} MB`);
    assert.ok(bounded < unbounded * 0.8, `bounded ${bounded} MB against ${unbounded} MB left alone`);
  });
});
