// How a node of the Migrations tree reads, without vscode types: what ./provider.ts turns into a TreeItem.
export interface NodeView {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Runs on click. */
  command?: { id: string; title: string; args: unknown[] };
}
