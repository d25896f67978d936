// What a run's tables record that a user must hear about: warnings of the plan and the start (a
// column decision that changes values, a target column of another type), and rows whose U+0000
// characters were stripped. The worker logs them; `thaw status` shows them from the status tables.
import type { TableRecord } from '../state';

export function strippedNulsNote(table: Pick<TableRecord, 'nulStrippedRows'>): string | null {
  return table.nulStrippedRows > 0 ? `${table.nulStrippedRows} row(s) had U+0000 characters stripped (on_nul_character: "strip")` : null;
}

/** Every note of one table, warnings first. */
export function tableNotes(table: Pick<TableRecord, 'warnings' | 'nulStrippedRows'>): string[] {
  const stripped = strippedNulsNote(table);
  return stripped ? [...table.warnings, stripped] : [...table.warnings];
}
