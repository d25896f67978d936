import assert from 'node:assert/strict';
import pg from 'pg';
import { applyStatusSchema, statusMigrations } from '../../src/engine/state';
import { createTestDatabase, withClient, type TestDatabase } from '../support/postgres';

async function tablesIn(db: TestDatabase, schema: string): Promise<string[]> {
  return withClient(db, async (c) =>
    (await c.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.table_name),
  );
}

describe('status schema migrations', () => {
  it('apply once, then find nothing to do', async () => {
    const db = await createTestDatabase();
    const first = await withClient(db, (c) => applyStatusSchema(c, 'migration_status'));
    assert.deepEqual(first, statusMigrations().map((m) => m.id));
    const second = await withClient(db, (c) => applyStatusSchema(c, 'migration_status'));
    assert.deepEqual(second, []);
    assert.deepEqual(await tablesIn(db, 'migration_status'), [
      'migration_chunk_status',
      'migration_run_tunings',
      'migration_runs',
      'migration_table_status',
      'migration_verifications',
      'migration_verify_partitions',
      'migration_workers',
      'schema_migrations',
    ]);
  });

  it('are applied exactly once when several processes start at the same moment', async () => {
    const db = await createTestDatabase();
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
        await c.connect();
        return c;
      }),
    );
    try {
      const applied = await Promise.all(clients.map((c) => applyStatusSchema(c, 'migration_status')));
      assert.equal(applied.filter((ids) => ids.length > 0).length, 1, 'one process applies, the others find it done');
      const rows = await clients[0]!.query('SELECT id FROM migration_status.schema_migrations');
      assert.equal(rows.rowCount, statusMigrations().length);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('honour a configured schema name that needs quoting', async () => {
    const db = await createTestDatabase();
    await withClient(db, (c) => applyStatusSchema(c, 'Thaw "status"'));
    assert.ok((await tablesIn(db, 'Thaw "status"')).includes('migration_chunk_status'));
    assert.deepEqual(await tablesIn(db, 'migration_status'), []);
  });

  it('reject states outside the lists', async () => {
    const db = await createTestDatabase();
    await withClient(db, async (c) => {
      await applyStatusSchema(c, 'migration_status');
      await assert.rejects(
        c.query(`INSERT INTO migration_status.migration_runs (run_id, config_hash, status, parallel_threads, batch_size) VALUES ('r', 'h', 'running', 1, 1)`),
        /migration_runs_status_check/,
      );
    });
  });
});
