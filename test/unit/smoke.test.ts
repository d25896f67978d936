import assert from 'node:assert/strict';
import { createTestDatabase, withClient } from '../support/postgres';

describe('test harness', () => {
  it('starts a real PostgreSQL and gives each caller its own database', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    assert.notEqual(a.database, b.database);
    const name = await withClient(a, async (c) => (await c.query('select current_database() as d')).rows[0].d);
    assert.equal(name, a.database);
  });
});
