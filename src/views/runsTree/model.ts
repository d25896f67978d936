// The Migrations tree's data: runs of each config, their tables, chunk groups and pages of
// chunks, read from the status tables through a RunsReader (the engine worker's read requests),
// so runs executed by the CLI or on other machines show as well as this window's.
//
// Separate from the TreeDataProvider (./provider.ts), as vscode-pull-request-github separates
// them: this class owns the data and says which node changed; the provider only maps nodes to
// TreeItems. No vscode import: unit-tested in plain Node.
//
// Queries: a refresh is one `runs/list` per config. Children are cached and read again only when
// their run's summary changed, so polling a quiet run costs one query, and expanded nodes of a
// busy run cost one query each, never one per chunk.
import type { ChunkDetail, ChunkGroup, Page, RunSummary, TableSummary, WorkerSummary } from '../../protocol/engine';
import type { ChunkState } from '../../protocol/states';
import { failedChunkCount, listsChunks, runChanged, STATE_ORDER, type TreeNode } from './nodes';

export interface ChunkQuery {
  runId: string;
  tableOrdinal: number;
  status: ChunkState;
  partitionValue: string | null;
  offset: number;
  limit: number;
}

/** The read requests the tree needs, each one query against the status tables. */
export interface RunsReader {
  listRuns(configPath: string): Promise<RunSummary[]>;
  listTables(configPath: string, runId: string): Promise<TableSummary[]>;
  chunkGroups(configPath: string, runId: string, tableOrdinal: number): Promise<ChunkGroup[]>;
  listChunks(configPath: string, query: ChunkQuery): Promise<Page<ChunkDetail>>;
  listWorkers(configPath: string, runId: string): Promise<WorkerSummary[]>;
}

/** An error as a read request reports it; config problems carry their line. */
export interface ReadFailure {
  message: string;
  issues?: Array<{ path: string; message: string; line?: number }>;
}

export const CHUNK_PAGE_SIZE = 50;

type RunsOfConfig = { runs: RunSummary[] } | { failure: ReadFailure };

/** `undefined`: the whole tree. */
export type ChangeListener = (node: TreeNode | undefined) => void;

export class RunsModel {
  private configs: string[] = [];
  private readonly runsByConfig = new Map<string, RunsOfConfig>();
  /** Children already read, by parent node id. */
  private readonly childCache = new Map<string, TreeNode[]>();
  /** Loaded chunk pages, by the id of the node that lists them. */
  private readonly pages = new Map<string, { query: ChunkQuery; configPath: string; items: ChunkDetail[]; total: number }>();
  /** Nodes by id: the same object stays the same node, so the view keeps its expansion and can refresh just it. */
  private readonly nodes = new Map<string, TreeNode>();
  private readonly listeners = new Set<ChangeListener>();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly reader: RunsReader,
    private readonly describe: (err: unknown) => ReadFailure,
    private readonly configLabel: (configPath: string) => string = (p) => p,
  ) {}

  onDidChange(listener: ChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The config files whose runs are listed; changing them reloads the tree. */
  setConfigs(configPaths: readonly string[]): void {
    const next = [...configPaths];
    if (next.join('\n') === this.configs.join('\n')) return;
    this.configs = next;
    for (const key of [...this.runsByConfig.keys()]) if (!next.includes(key)) this.runsByConfig.delete(key);
    this.emit(undefined);
  }

  getConfigs(): readonly string[] {
    return this.configs;
  }

  /** Every run listed, of every config, newest first within a config. */
  allRuns(): Array<{ configPath: string; run: RunSummary }> {
    const out: Array<{ configPath: string; run: RunSummary }> = [];
    for (const configPath of this.configs) {
      const entry = this.runsByConfig.get(configPath);
      if (entry && 'runs' in entry) for (const run of entry.runs) out.push({ configPath, run });
    }
    return out;
  }

  failures(): Array<{ configPath: string; failure: ReadFailure }> {
    return this.configs.flatMap((configPath) => {
      const entry = this.runsByConfig.get(configPath);
      return entry && 'failure' in entry ? [{ configPath, failure: entry.failure }] : [];
    });
  }

  failedChunks(): number {
    return failedChunkCount(this.allRuns().map((r) => r.run));
  }

  node(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  /**
   * Reads every config's runs again (one query each) and says which runs changed. Calls while a
   * refresh is under way are folded into one more refresh after it, never run side by side.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await Promise.all(this.configs.map((c) => this.refreshConfig(c)));
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Forgets what was read under a run (its tables, groups, chunks) and shows it again. */
  invalidateRun(configPath: string, runId: string): void {
    const id = runNodeId(configPath, runId);
    this.dropBelow(id);
    const node = this.nodes.get(id);
    if (node) this.emit(node);
  }

  async children(parent?: TreeNode): Promise<TreeNode[]> {
    if (!parent) {
      if (this.configs.length === 1) return this.runNodes(this.configs[0]!);
      return this.configs.map((configPath) =>
        this.keep({ kind: 'config', id: `config:${configPath}`, configPath, label: this.configLabel(configPath) }),
      );
    }
    switch (parent.kind) {
      case 'config':
        return this.runNodes(parent.configPath);
      case 'run':
        return this.cached(parent.id, () => this.tableNodes(parent));
      case 'table':
        return this.cached(parent.id, () => this.stateNodes(parent));
      case 'state':
        if (listsChunks(parent.status) && parent.groups.length === 1) return this.chunkNodes(parent.id, parent.configPath, parent.groups[0]!);
        return parent.groups.map((group) =>
          this.keep({ kind: 'partition', id: `${parent.id}/p:${group.partitionIsNull ? '\u0000' : (group.partitionValue ?? '')}`, configPath: parent.configPath, group }),
        );
      case 'partition':
        return listsChunks(parent.group.status) ? this.chunkNodes(parent.id, parent.configPath, parent.group) : [];
      case 'workers':
        return this.cached(parent.id, () => this.workerNodes(parent));
      default:
        return [];
    }
  }

  /** Loads the next page of the chunk list under `parentId` ("Show more"). */
  async showMore(parentId: string): Promise<void> {
    const page = this.pages.get(parentId);
    if (!page || page.items.length >= page.total) return;
    const next = await this.reader.listChunks(page.configPath, { ...page.query, offset: page.items.length });
    page.items.push(...next.items);
    page.total = next.total;
    const parent = this.nodes.get(parentId);
    if (parent) this.emit(parent);
  }

  private async refreshConfig(configPath: string): Promise<void> {
    const before = this.runsByConfig.get(configPath);
    let after: RunsOfConfig;
    try {
      after = { runs: await this.reader.listRuns(configPath) };
    } catch (err) {
      after = { failure: this.describe(err) };
    }
    this.runsByConfig.set(configPath, after);
    const container = this.configs.length === 1 ? undefined : this.nodes.get(`config:${configPath}`);
    if (!before || 'failure' in before || 'failure' in after) {
      if (!before || !('failure' in before && 'failure' in after && before.failure.message === after.failure.message)) this.emit(container);
      return;
    }
    const old = new Map(before.runs.map((r) => [r.runId, r]));
    const sameList = before.runs.length === after.runs.length && after.runs.every((r, i) => before.runs[i]!.runId === r.runId);
    const changed = after.runs.filter((r) => {
      const prev = old.get(r.runId);
      return prev !== undefined && runChanged(prev, r);
    });
    for (const run of changed) this.dropBelow(runNodeId(configPath, run.runId));
    if (!sameList) {
      this.emit(container);
      return;
    }
    for (const run of changed) {
      const node = this.nodes.get(runNodeId(configPath, run.runId));
      if (node?.kind === 'run') {
        node.run = run;
        this.emit(node);
      }
    }
  }

  private async runNodes(configPath: string): Promise<TreeNode[]> {
    if (!this.runsByConfig.has(configPath)) await this.refreshConfig(configPath);
    const entry = this.runsByConfig.get(configPath)!;
    if ('failure' in entry) return [this.failureNode(`config:${configPath}`, configPath, entry.failure)];
    return entry.runs.map((run) => this.keep({ kind: 'run', id: runNodeId(configPath, run.runId), configPath, run }));
  }

  /** A run's tables, then its workers while any is live (read when that node is expanded). */
  private async tableNodes(run: Extract<TreeNode, { kind: 'run' }>): Promise<TreeNode[]> {
    const tables = await this.reader.listTables(run.configPath, run.run.runId);
    const nodes: TreeNode[] = tables.map((table) => this.keep({ kind: 'table', id: `${run.id}/t${table.tableOrdinal}`, configPath: run.configPath, table }));
    if (run.run.liveWorkers > 0) {
      nodes.push(this.keep({ kind: 'workers', id: `${run.id}/workers`, configPath: run.configPath, runId: run.run.runId, live: run.run.liveWorkers }));
    }
    return nodes;
  }

  private async workerNodes(parent: Extract<TreeNode, { kind: 'workers' }>): Promise<TreeNode[]> {
    const workers = await this.reader.listWorkers(parent.configPath, parent.runId);
    return workers
      .filter((w) => w.status === 'running')
      .map((worker) => this.keep({ kind: 'worker', id: `${parent.id}/${worker.workerId}`, configPath: parent.configPath, worker }));
  }

  private async stateNodes(table: Extract<TreeNode, { kind: 'table' }>): Promise<TreeNode[]> {
    const groups = await this.reader.chunkGroups(table.configPath, table.table.runId, table.table.tableOrdinal);
    return STATE_ORDER.flatMap((status) => {
      const ofState = groups.filter((g) => g.status === status);
      if (ofState.length === 0) return [];
      return [
        this.keep({
          kind: 'state',
          id: `${table.id}/${status}`,
          configPath: table.configPath,
          runId: table.table.runId,
          tableOrdinal: table.table.tableOrdinal,
          status,
          groups: ofState,
        }),
      ];
    });
  }

  private async chunkNodes(parentId: string, configPath: string, group: ChunkGroup): Promise<TreeNode[]> {
    let page = this.pages.get(parentId);
    if (!page) {
      const query: ChunkQuery = {
        runId: group.runId,
        tableOrdinal: group.tableOrdinal,
        status: group.status,
        partitionValue: group.partitionValue,
        offset: 0,
        limit: CHUNK_PAGE_SIZE,
      };
      const first = await this.reader.listChunks(configPath, query);
      page = { query, configPath, items: [...first.items], total: first.total };
      this.pages.set(parentId, page);
    }
    const nodes: TreeNode[] = page.items.map((chunk) => this.keep({ kind: 'chunk', id: `${parentId}/c${chunk.chunkId}`, configPath, chunk }));
    if (page.items.length < page.total) {
      nodes.push(this.keep({ kind: 'more', id: `${parentId}/more`, parentId, shown: page.items.length, total: page.total }));
    }
    return nodes;
  }

  private failureNode(scope: string, configPath: string, failure: ReadFailure): TreeNode {
    const issue = failure.issues?.[0];
    const text = issue ? `Invalid config: ${issue.path ? `${issue.path}: ` : ''}${issue.message}` : `Cannot read the status tables: ${firstLine(failure.message)}`;
    return this.keep({ kind: 'message', id: `${scope}/failure`, severity: 'error', text, detail: `${configPath}\n${failure.message}`, configPath, line: issue?.line });
  }

  private async cached(id: string, read: () => Promise<TreeNode[]>): Promise<TreeNode[]> {
    const hit = this.childCache.get(id);
    if (hit) return hit;
    let nodes: TreeNode[];
    try {
      nodes = await read();
    } catch (err) {
      const parent = this.nodes.get(id);
      const configPath = parent && 'configPath' in parent ? parent.configPath : undefined;
      return [this.failureNode(id, configPath ?? '', this.describe(err))];
    }
    this.childCache.set(id, nodes);
    return nodes;
  }

  /** Returns the node already known under this id, updated with the new data, or registers it. */
  private keep<N extends TreeNode>(fresh: N): N {
    const known = this.nodes.get(fresh.id);
    if (known && known.kind === fresh.kind) {
      Object.assign(known, fresh);
      return known as N;
    }
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  private dropBelow(id: string): void {
    const prefix = `${id}/`;
    for (const key of [...this.childCache.keys()]) if (key === id || key.startsWith(prefix)) this.childCache.delete(key);
    for (const key of [...this.pages.keys()]) if (key.startsWith(prefix)) this.pages.delete(key);
  }

  private emit(node: TreeNode | undefined): void {
    for (const l of this.listeners) l(node);
  }
}

export function runNodeId(configPath: string, runId: string): string {
  return `run:${configPath}:${runId}`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
