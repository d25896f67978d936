// thaw.planMigration run as a command in the editor plans the workspace's config.json against the
// real emulator and PostgreSQL: the plan is stored in the status tables, as `thaw plan` stores it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openSession } from '../../../src/engine/session';

describe('Migration: Plan in the extension host', () => {
  it('stores a plan for the workspace config in the status tables', async () => {
    const [configUri] = await vscode.workspace.findFiles('config.json');
    assert.ok(configUri, 'the test workspace has no config.json');
    // The config is named: with several configs in the workspace the command would ask which.
    await vscode.commands.executeCommand('thaw.planMigration', configUri.fsPath);
    // The engine's own way in: the config's target, its status schema and its hash.
    const session = await openSession(configUri.fsPath, { source: false });
    try {
      const { rows } = await session.pool.query<{ run_id: string; chunks: number }>(
        `SELECT r.run_id, (SELECT count(*)::int FROM "${session.statusSchema}".migration_chunk_status c WHERE c.run_id = r.run_id) AS chunks
           FROM "${session.statusSchema}".migration_runs r WHERE r.config_hash = $1`,
        [session.configHash],
      );
      assert.equal(rows.length, 1, `runs planned for this config: ${JSON.stringify(rows)}`);
      assert.ok(rows[0]!.chunks > 0, 'the stored plan has no chunks');
    } finally {
      await session.close();
    }
  });
});
