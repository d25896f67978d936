// Maps the tree model's nodes to TreeItems and refreshes the node that changed; owns the view and
// its badge. All data and its reading live in ./model.ts.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { RunsModel } from './model';
import { viewOf, type TreeNode } from './nodes';

export const RUNS_VIEW_ID = 'thaw.runs';

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(private readonly model: RunsModel) {
    super();
    this.view = this._register(vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this._register(
      model.onDidChange((node) => {
        this.changed.fire(node);
        this.updateBadge();
      }),
    );
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const v = viewOf(node);
    const item = new vscode.TreeItem(v.label, COLLAPSIBLE[v.collapsible]);
    item.id = node.id;
    item.description = v.description;
    if (v.tooltip) item.tooltip = new vscode.MarkdownString(v.tooltip);
    item.iconPath = new vscode.ThemeIcon(v.icon.id, v.icon.color ? new vscode.ThemeColor(v.icon.color) : undefined);
    item.contextValue = v.contextValue;
    if (v.command) item.command = { command: v.command.id, title: v.command.title, arguments: v.command.args };
    return item;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return this.model.children(node);
  }

  private updateBadge(): void {
    const failed = this.model.failedChunks();
    this.view.badge = failed > 0 ? { value: failed, tooltip: `${failed} failed chunk${failed === 1 ? '' : 's'}` } : undefined;
    const unreachable = this.model.failures();
    this.view.message = unreachable.length > 0 ? `Status tables unreachable for ${unreachable.map((u) => vscode.workspace.asRelativePath(u.configPath)).join(', ')}` : undefined;
  }
}

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;
