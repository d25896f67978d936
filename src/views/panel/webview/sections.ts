// The per-table bars and the failed-chunk groups. Both are short lists rebuilt only when their
// content changes, so a snapshot every half second never takes keyboard focus away from a button.
import type { FailedGroup } from '../model/failedGroups';
import type { TableView } from '../model/viewModel';

const drawn = new WeakMap<HTMLElement, string>();

/** Runs `build` only when `signature` differs from what `host` shows. */
function whenChanged(host: HTMLElement, signature: string, build: () => HTMLElement[]): void {
  if (drawn.get(host) === signature) return;
  drawn.set(host, signature);
  host.replaceChildren(...build());
}

export function renderTables(host: HTMLElement, tables: TableView[]): void {
  whenChanged(host, JSON.stringify(tables), () =>
    tables.map((t) => {
      const row = document.createElement('div');
      row.className = 'table-row';
      row.dataset.tableOrdinal = String(t.tableOrdinal);
      const name = document.createElement('div');
      name.className = 'table-name';
      name.textContent = `${t.name} · ${t.status.replace('_', ' ')}`;
      const bar = document.createElement('vscode-progress-bar');
      bar.setAttribute('max', '100');
      bar.setAttribute('value', String(t.percent));
      bar.setAttribute('aria-label', `${t.name}: ${t.percent}%`);
      const text = document.createElement('div');
      text.className = 'muted';
      text.textContent = `${t.percent}% · ${t.text}`;
      row.append(name, bar, text);
      return row;
    }),
  );
}

export interface FailedListActions {
  retryButton(chunkIds: number[], label: string, text: string): HTMLElement;
  /** Shows the chunk on the map (selected) and its detail. */
  select(chunkId: number): void;
}

export function renderFailed(host: HTMLElement, groups: FailedGroup[], actions: FailedListActions): void {
  whenChanged(host, JSON.stringify(groups), () => {
    if (groups.length === 0) {
      const none = document.createElement('p');
      none.className = 'muted';
      none.textContent = 'No failed chunks.';
      return [none];
    }
    return groups.map((g) => {
      const group = document.createElement('div');
      group.className = 'failed-group';
      group.setAttribute('role', 'group');
      const ids = g.chunks.map((c) => c.chunkId);
      group.setAttribute('aria-label', `${ids.length} chunk(s) failed: ${g.message}`);
      const head = document.createElement('div');
      head.className = 'failed-head';
      const message = document.createElement('span');
      message.className = 'error';
      message.textContent = `${g.code ? `[${g.code}] ` : ''}${g.message}`;
      head.append(message, actions.retryButton(ids, `Retry all ${ids.length} chunks failed with this error`, `Retry all (${ids.length})`));
      const list = document.createElement('ul');
      list.className = 'failed-chunks';
      for (const c of g.chunks) {
        const item = document.createElement('li');
        item.dataset.chunkId = String(c.chunkId);
        const label = document.createElement('button');
        label.className = 'link';
        label.type = 'button';
        label.title = 'Show on the chunk map';
        label.textContent = `chunk ${c.chunkId} · table ${c.tableOrdinal} · ${c.attempts} attempt(s)`;
        label.addEventListener('click', () => actions.select(c.chunkId));
        item.append(label, actions.retryButton([c.chunkId], `Retry chunk ${c.chunkId}`, 'Retry'));
        list.append(item);
      }
      group.append(head, list);
      return group;
    });
  });
}
