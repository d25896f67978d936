// The panel's verification section: the newest `thaw verify` of the run's tables, per table its
// equal and mismatching partitions, rows on each side, and when it was checked. Rebuilt only when
// the result changes (it comes in its own message, not with every snapshot).
import type { VerifyResult } from '../../../protocol/engine';

const count = (n: number) => n.toLocaleString('en-US');

function line(className: string, text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}

export function renderVerification(host: HTMLElement, result: VerifyResult | null): void {
  host.dataset.verifyId = result?.verifyId ?? '';
  if (!result) {
    host.replaceChildren(line('muted', 'Not verified yet: "Migration: Verify" compares every partition with Snowflake.'));
    return;
  }
  const checked = new Date(result.finishedAt);
  const differing = result.tables.reduce((n, t) => n + t.partitions - t.equalPartitions, 0);
  const head = line(`verify-summary ${result.equal ? 'equal' : 'differs'}`, `${result.equal ? 'Equal to the source' : `${count(differing)} partition(s) differ from the source`} · checked ${checked.toLocaleString()}`);
  head.dataset.testid = 'verify-summary';
  head.title = `verification ${result.verifyId}, ${result.startedAt} – ${result.finishedAt}`;
  const tables = result.tables.map((t) => {
    const row = document.createElement('div');
    row.className = 'verify-table';
    row.dataset.target = `${t.targetSchema}.${t.targetTable}`;
    const mismatching = t.partitions - t.equalPartitions;
    row.append(
      line('table-name', `${t.targetSchema}.${t.targetTable} · ${count(t.equalPartitions)} equal, ${count(mismatching)} mismatching of ${count(t.partitions)} partitions`),
      line('muted', `${count(t.sourceRows)} source rows · ${count(t.targetRows)} target rows`),
    );
    if (t.mismatches.length > 0) {
      const list = document.createElement('ul');
      list.className = 'verify-mismatches';
      list.setAttribute('aria-label', `Partitions of ${t.targetTable} that differ`);
      for (const m of t.mismatches) {
        const item = document.createElement('li');
        const which = m.partitionIsNull ? 'NULL partition' : m.partitionValue === null ? 'whole table' : `partition ${m.partitionValue}`;
        item.textContent = `${which}: ${m.sourceRows === m.targetRows ? `${count(m.sourceRows)} rows on both sides, checksums differ` : `source ${count(m.sourceRows)} rows, target ${count(m.targetRows)}`}`;
        list.append(item);
      }
      if (mismatching > t.mismatches.length) list.append(line('muted', `… and ${count(mismatching - t.mismatches.length)} more`));
      row.append(list);
    }
    return row;
  });
  host.replaceChildren(head, ...tables);
}
