import assert from 'node:assert/strict';
import { sqlFiles } from '../../src/generated/sql';
import { CHUNK_STATES, OPEN_RUN_STATES, RUN_STATES, TABLE_STATES, WORKER_STATES } from '../../src/engine/state/states';

/** The states a named CHECK constraint allows after every migration: its last definition wins. */
function checkedStates(constraint: string): string[] {
  const ddl = Object.entries(sqlFiles)
    .filter(([name]) => name.startsWith('migrations/'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, text]) => text)
    .join('\n');
  const matches = [...ddl.matchAll(new RegExp(`CONSTRAINT ${constraint}\\s+CHECK \\(status IN \\(([^)]*)\\)\\)`, 'g'))];
  const last = matches.at(-1);
  assert.ok(last, `no CHECK constraint ${constraint} in sql/migrations`);
  return [...last[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('state lists', () => {
  it('match the CHECK constraints of the status tables', () => {
    assert.deepEqual(checkedStates('migration_runs_status_check'), [...RUN_STATES]);
    assert.deepEqual(checkedStates('migration_table_status_status_check'), [...TABLE_STATES]);
    assert.deepEqual(checkedStates('migration_chunk_status_status_check'), [...CHUNK_STATES]);
    assert.deepEqual(checkedStates('migration_workers_status_check'), [...WORKER_STATES]);
  });

  it('are frozen, and open runs are runs that are neither completed nor abandoned', () => {
    for (const list of [RUN_STATES, TABLE_STATES, CHUNK_STATES, WORKER_STATES, OPEN_RUN_STATES]) assert.ok(Object.isFrozen(list));
    assert.deepEqual([...OPEN_RUN_STATES], RUN_STATES.filter((s) => s !== 'completed' && s !== 'abandoned'));
  });
});
