import assert from 'node:assert/strict';
import type { ChunkDetail, ChunkGroup, Page, RunSummary, TableSummary, WorkerSummary } from '../../../src/protocol/engine';
import { CHUNK_PAGE_SIZE, RunsModel, type ChunkQuery, type RunsReader } from '../../../src/views/runsTree/model';
import { viewOf, type TreeNode } from '../../../src/views/runsTree/nodes';
import { aChunk, aGroup, aRun, aTable, aWorker, counts } from './builders';

/** The status tables as the read requests would answer, with a log of the queries asked. */
class StatusTables implements RunsReader {
  runs: RunSummary[] = [aRun()];
  tables: TableSummary[] = [aTable()];
  groups: ChunkGroup[] = [];
  chunks: ChunkDetail[] = [];
  workers: WorkerSummary[] = [aWorker()];
  unreachable: Error | undefined;
  readonly queries: string[] = [];

  async listRuns(configPath: string) {
    this.queries.push(`runs ${configPath}`);
    if (this.unreachable) throw this.unreachable;
    return structuredClone(this.runs);
  }
  async listTables(_c: string, runId: string) {
    this.queries.push(`tables ${runId}`);
    return structuredClone(this.tables);
  }
  async chunkGroups(_c: string, runId: string, tableOrdinal: number) {
    this.queries.push(`groups ${runId}/${tableOrdinal}`);
    return structuredClone(this.groups);
  }
  async listChunks(_c: string, q: ChunkQuery): Promise<Page<ChunkDetail>> {
    this.queries.push(`chunks ${q.status} ${q.partitionValue} @${q.offset}`);
    const all = this.chunks.filter((c) => c.status === q.status && c.partitionValue === q.partitionValue);
    return { total: all.length, offset: q.offset, items: all.slice(q.offset, q.offset + q.limit) };
  }
  async listWorkers(_c: string, runId: string) {
    this.queries.push(`workers ${runId}`);
    return structuredClone(this.workers);
  }
}

function model(db: StatusTables, configs = ['/w/config.json']) {
  const m = new RunsModel(db, (err) => ({ message: err instanceof Error ? err.message : String(err) }));
  m.setConfigs(configs);
  return m;
}

async function expandAll(m: RunsModel, parent?: TreeNode): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  for (const child of await m.children(parent)) {
    out.push(child, ...(await expandAll(m, child)));
  }
  return out;
}

describe('views: the Migrations tree model', () => {
  it('shows runs → tables → chunk states → partitions → failed chunks, failures first, never chunks by the thousand', async () => {
    const db = new StatusTables();
    db.groups = [
      aGroup({ partitionValue: '2024-01-01', status: 'completed', chunks: 480, firstChunkId: 1, lastChunkId: 480 }),
      aGroup({ partitionValue: '2024-01-02', status: 'completed', chunks: 3000, firstChunkId: 481, lastChunkId: 3480 }),
      aGroup({ partitionValue: '2024-01-02', status: 'failed', chunks: 2, firstChunkId: 500, lastChunkId: 501 }),
      aGroup({ partitionValue: '2024-01-03', status: 'pending', chunks: 7000, firstChunkId: 3481, lastChunkId: 10480 }),
    ];
    db.chunks = [aChunk({ chunkId: 500, partitionValue: '2024-01-02' }), aChunk({ chunkId: 501, partitionValue: '2024-01-02' })];
    const m = model(db);
    await m.refresh();
    const nodes = await expandAll(m);
    const kinds = nodes.map((n) => `${n.kind}:${viewOf(n).label}`);
    assert.deepEqual(kinds, [
      'run:r1',
      'table:FACT → analytics_dev2.fact',
      'state:failed',
      'chunk:chunk 500',
      'chunk:chunk 501',
      'state:pending',
      'partition:2024-01-03',
      'state:completed',
      'partition:2024-01-01',
      'partition:2024-01-02',
      'workers:Workers',
      'worker:loader-0 pid 4242',
    ]);
    const completed = nodes.find((n) => n.kind === 'state' && n.status === 'completed')!;
    assert.match(viewOf(completed).description!, /^3,480 chunks/);
  });

  it('describes a failed chunk with its error, code, key range and attempts, and offers Retry on click', () => {
    const node: TreeNode = { kind: 'chunk', id: 'x', configPath: '/w/config.json', chunk: aChunk() };
    const v = viewOf(node);
    assert.equal(v.contextValue, 'chunk.failed');
    assert.match(v.tooltip!, /value too long for type character varying\\\(10\\\)/);
    assert.match(v.tooltip!, /code: 22001/);
    assert.match(v.tooltip!, /key range: \\\[100, 200\\\)/);
    assert.match(v.tooltip!, /attempts: 5/);
    assert.equal(v.description, '[100, 200) · 5 attempts · 22001');
    assert.deepEqual(v.command, { id: 'thaw.chunkClicked', title: 'Failed Chunk', args: ['x'] });
  });

  it('describes a run with its state, percent, rate, target schema and start time', () => {
    const v = viewOf({ kind: 'run', id: 'r', configPath: '/w/config.json', run: aRun({ chunks: counts({ failed: 2, completed: 10 }) }) }, new Date('2026-12-01T18:00:00Z'));
    assert.equal(v.icon.id, 'sync~spin');
    assert.equal(v.contextValue, 'run.active');
    assert.match(v.description!, /^41% · 12\.3k rows\/s · 2 failed · analytics_dev2 · \d\d:\d\d$/);
  });

  it('lists the live workers of a run, wherever they run, each with host, pid, threads, RSS and its own rate', async () => {
    const db = new StatusTables();
    db.runs = [aRun({ liveWorkers: 2 })];
    db.workers = [
      aWorker({ workerId: 'a', host: 'thaw-worker-0', pid: 7, threads: 4, rssMb: 310, rowsPerSecond: 5_200, rowsLoaded: 1_250_000 }),
      aWorker({ workerId: 'b', host: 'thaw-worker-1', pid: 7, threads: 2, rssMb: 190, rowsPerSecond: 2_600 }),
      aWorker({ workerId: 'c', host: 'laptop', pid: 99, status: 'dead' }),
    ];
    const m = model(db);
    const [run] = await m.children();
    const workers = (await m.children(run)).find((n) => n.kind === 'workers')!;
    assert.equal(viewOf(workers).description, '2 live');
    const nodes = await m.children(workers);
    assert.deepEqual(
      nodes.map((n) => `${viewOf(n).label} | ${viewOf(n).description}`),
      ['thaw-worker-0 pid 7 | 4 threads · 310 MB · 5.2k rows/s · 1.3M rows', 'thaw-worker-1 pid 7 | 2 threads · 190 MB · 2.6k rows/s · 0 rows'],
      'running workers only, each by host and pid',
    );
    assert.match(viewOf(nodes[0]!).tooltip!, /completed: 0 chunks, 1,250,000 rows; in flight: 0/);

    db.runs = [aRun({ liveWorkers: 0, status: 'stopped' })];
    await m.refresh();
    const after = await m.children((await m.children())[0]);
    assert.ok(!after.some((n) => n.kind === 'workers'), 'no Workers node once none is live');
  });

  it('pages long chunk lists instead of listing them all', async () => {
    const db = new StatusTables();
    db.groups = [aGroup({ partitionValue: null, status: 'failed', chunks: 120 })];
    db.chunks = Array.from({ length: 120 }, (_, i) => aChunk({ chunkId: i + 1, partitionValue: null }));
    const m = model(db);
    const [run] = await m.children();
    const [table] = await m.children(run);
    const [failed] = await m.children(table);
    let page = await m.children(failed);
    assert.equal(page.length, CHUNK_PAGE_SIZE + 1);
    const more = page.at(-1)!;
    assert.equal(viewOf(more).label, 'Show more (50 of 120)');
    await m.showMore(failed!.id);
    page = await m.children(failed);
    assert.equal(page.filter((n) => n.kind === 'chunk').length, 100);
    assert.deepEqual(db.queries.filter((q) => q.startsWith('chunks')), ['chunks failed null @0', 'chunks failed null @50']);
  });

  it('refreshes with one query per config while nothing changes, and re-reads only the run that changed', async () => {
    const db = new StatusTables();
    db.groups = [aGroup({ status: 'in_progress' })];
    db.chunks = [aChunk({ status: 'in_progress', partitionValue: '2024-01-01' })];
    const m = model(db);
    await m.refresh();
    await expandAll(m);
    const changed: Array<TreeNode | undefined> = [];
    m.onDidChange((n) => changed.push(n));
    db.queries.length = 0;
    await m.refresh();
    await expandAll(m);
    assert.deepEqual(db.queries, ['runs /w/config.json'], 'a quiet refresh reads the run list only');
    assert.deepEqual(changed, []);

    db.runs = [aRun({ rowsLoaded: 500_000, chunks: counts({ completed: 20, in_progress: 4, pending: 16 }) })];
    db.queries.length = 0;
    const runNode = (await m.children())[0]!;
    await m.refresh();
    assert.deepEqual(changed, [runNode], 'only the run that changed is refreshed, as the same node');
    await expandAll(m);
    assert.deepEqual(db.queries, ['runs /w/config.json', 'tables r1', 'groups r1/0', 'chunks in_progress 2024-01-01 @0', 'workers r1']);
  });

  it('folds refreshes asked for during a refresh into one more, never queries side by side', async () => {
    const db = new StatusTables();
    const m = model(db);
    await Promise.all([m.refresh(), m.refresh(), m.refresh(), m.refresh()]);
    assert.deepEqual(db.queries, ['runs /w/config.json', 'runs /w/config.json']);
  });

  it('shows an unreachable database in the view instead of hiding it', async () => {
    const db = new StatusTables();
    db.unreachable = new Error('cannot connect to the PostgreSQL target: connect ECONNREFUSED 127.0.0.1:5999');
    const m = model(db, ['/w/config.json', '/w/dev2.thaw.json']);
    await m.refresh();
    const [first] = await m.children();
    assert.equal(first!.kind, 'config');
    const [message] = await m.children(first);
    assert.equal(message!.kind, 'message');
    assert.equal(viewOf(message!).label, 'Cannot read the status tables: cannot connect to the PostgreSQL target: connect ECONNREFUSED 127.0.0.1:5999');
    assert.equal(viewOf(message!).icon.id, 'error');
    assert.equal(m.failures().length, 2);
  });

  it('counts the failed chunks of runs that can still be retried for the badge', async () => {
    const db = new StatusTables();
    db.runs = [
      aRun({ runId: 'a', chunks: counts({ failed: 3 }) }),
      aRun({ runId: 'b', status: 'stopped', chunks: counts({ failed: 2 }) }),
      aRun({ runId: 'c', status: 'abandoned', chunks: counts({ failed: 9 }) }),
    ];
    const m = model(db);
    await m.refresh();
    assert.equal(m.failedChunks(), 5);
  });
});
