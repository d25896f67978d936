// A slow consumer must not make a chunk stream buffer the chunk: memory stays far below the size
// of the chunk and of its result chunks (the emulator grows them as Snowflake does, to 32 MB
// here), and does not grow from pause to pause. The emulator runs in a child process so that this
// process's memory is the stream's alone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Secret } from '../../src/engine/config/secret';
import { findColumn, openSource, readColumns, streamChunk, type SnowflakeSource } from '../../src/engine/source';

const ROWS = 150_000;
const PAYLOAD = 500;
const MB = 1024 * 1024;

// What the JS heap and Buffers (external memory) retain after a full collection: what the driver
// and the stream hold.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
function retainedHeap(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** `startEmulator` in a child process, with `setup` (DuckDB SQL) run before it reports its URL. */
async function emulatorProcess(setup: string): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const { startEmulator } = await import(${JSON.stringify(new URL('../../src/emulator/index.ts', import.meta.url).href)});
    const emulator = await startEmulator({ port: 0 });
    await emulator.sql(process.env.SETUP_SQL);
    console.log('listening on ' + emulator.url);
    process.on('SIGTERM', () => emulator.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, SETUP_SQL: setup },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [''])])) as string[];
  const url = /^listening on (http:\/\/\S+)$/.exec(first ?? '')?.[1];
  if (!url) throw new Error(`the emulator process did not start: ${first}`);
  return { url, child };
}

describe('chunk stream backpressure (emulator, real snowflake-sdk)', function () {
  let emulator: { url: string; child: ChildProcess };
  let source: SnowflakeSource;
  let logDir: string;

  before(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'thaw-backpressure-'));
    emulator = await emulatorProcess(`CREATE TABLE WIDE AS SELECT i AS ID, repeat(chr(97 + CAST(i % 26 AS INTEGER)), ${PAYLOAD}) AS PAYLOAD FROM range(${ROWS}) t(i)`);
    source = await openSource(
      { account: 'emu', username: 'U', warehouse: 'WH', database: 'DB', schema: 'PUBLIC', role: undefined, access_url: emulator.url, auth: { method: 'password', password: new Secret('pw', 'P') } },
      { logDir },
    );
  });

  after(async () => {
    await source?.close();
    if (emulator) {
      const exited = once(emulator.child, 'exit');
      emulator.child.kill('SIGTERM');
      await exited;
    }
    await rm(logDir, { recursive: true, force: true });
  });

  it(`holds a bounded number of rows while the consumer pauses (${ROWS} rows of ${PAYLOAD} bytes)`, async () => {
    const table = { database: 'DB', schema: 'PUBLIC', table: 'WIDE' };
    const columns = await readColumns(source, table);
    const highWaterMark = 256 * 1024;
    const { stream } = streamChunk(source, {
      table,
      columns,
      split: findColumn(columns, 'ID', 'split_column', table),
      range: { partitionIsNull: false, partitionValue: null, splitIsNull: false, splitLow: null, splitHigh: null, rows: ROWS },
      highWaterMark,
    });
    let chunkBytes = 0;
    for (let i = 0; i < ROWS; i++) chunkBytes += String(i).length + 1 + PAYLOAD + 1;
    const heapBefore = retainedHeap();
    const rssBefore = process.memoryUsage().rss;
    let consumed = 0;
    let consumedBytes = 0;
    let peakRss = rssBefore;
    let peakHeap = heapBefore;
    const retainedAtPause: number[] = [];
    let pauses = 0;
    for await (const part of stream) {
      const buffer = part as Buffer;
      consumedBytes += buffer.length;
      for (const byte of buffer) if (byte === 10) consumed++;
      // Every 30k rows the consumer stops reading for a while; the producer must stop too.
      if (consumed >= (pauses + 1) * 30_000 && pauses < 4) {
        pauses++;
        await sleep(400);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        retainedAtPause.push(retainedHeap());
        peakHeap = Math.max(peakHeap, retainedAtPause.at(-1)!);
      }
    }
    const heapGrowth = (peakHeap - heapBefore) / MB;
    console.log(
      `      chunk ${(chunkBytes / MB).toFixed(0)} MB; ` +
        `heap + buffers retained while paused: +${heapGrowth.toFixed(1)} MB; RSS: +${((peakRss - rssBefore) / MB).toFixed(0)} MB`,
    );
    assert.equal(consumed, ROWS);
    assert.equal(consumedBytes, chunkBytes);
    assert.equal(pauses, 4);
    // Less than one of this result's chunks (32 MB), which the driver held two of, whole, as text
    // and parsed. The JS heap stays flat; Node's native (external) memory varied from 6 to 19 MB
    // between runs of this test alone, without growing from pause to pause.
    assert.ok(heapGrowth < 32, `heap + buffers kept ${heapGrowth.toFixed(1)} MB for a ${(chunkBytes / MB).toFixed(0)} MB chunk`);
    assert.ok(retainedAtPause.at(-1)! - retainedAtPause[1]! < 16 * MB, `retained memory grew from pause to pause: ${retainedAtPause.map((b) => (b / MB).toFixed(0)).join(', ')} MB`);
  });
});
