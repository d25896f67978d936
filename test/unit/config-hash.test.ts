import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describeIdentityChanges, hashIdentity } from '../../src/engine/config';
import { load, TEST_ENV, validConfig, type ConfigObject } from './configFixtures';

const hashOf = (c: ConfigObject, env: Record<string, string> = TEST_ENV) => load(c, env).hash;

/** The same object with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  return value;
}

function withTwoTables(): ConfigObject {
  const c = validConfig();
  c.tables.push({ source_table: 'DIMVISIT', target_schema: 'analytics_dev2', split_column: 'ID' });
  return c;
}

describe('config hash', () => {
  const base = withTwoTables();
  const baseHash = hashOf(base);

  it('is a sha256 in hex, equal to the hash of its identity', () => {
    const loaded = load(base);
    assert.match(loaded.hash, /^[0-9a-f]{64}$/);
    assert.equal(loaded.hash, hashIdentity(loaded.identity));
  });

  it('is pinned for the example config: a change here orphans every existing run', async () => {
    const text = await readFile('examples/config.example.json', 'utf8');
    assert.equal(load(text).hash, '80263fe1fb22d32787cf433733e7136e9aff1d208b3b9731544ab5c719dfffd0');
  });

  it('does not depend on key order, table order or spelling out a default', () => {
    const reordered = reverseKeys(base) as ConfigObject;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(base));
    assert.equal(hashOf(reordered), baseHash);

    const tablesSwapped = withTwoTables();
    tablesSwapped.tables.reverse();
    assert.equal(hashOf(tablesSwapped), baseHash);

    const explicit = withTwoTables();
    explicit.source.schema = 'PUBLIC';
    explicit.tables[1].target_table = 'dimvisit';
    explicit.insert_only_mode = true;
    explicit.consistent_snapshot = true;
    assert.equal(hashOf(explicit), baseHash);
  });

  const unchanged: [string, (c: ConfigObject) => void][] = [
    ['parallel_threads', (c) => (c.parallel_threads = 64)],
    ['batch_size', (c) => (c.batch_size = 100)],
    ['max_worker_memory_mb', (c) => (c.max_worker_memory_mb = 8192)],
    ['max_attempts', (c) => (c.max_attempts = 9)],
    ['retry_delay_seconds', (c) => (c.retry_delay_seconds = 0.5)],
    ['worker_heartbeat_timeout_seconds', (c) => (c.worker_heartbeat_timeout_seconds = 120)],
    ['target_outage_seconds', (c) => (c.target_outage_seconds = 600)],
    ['truncate_onstart', (c) => (c.tables[0].truncate_onstart = true)],
    ['on_nul_character', (c) => (c.on_nul_character = 'strip')],
    ['the secret reference', (c) => (c.source.password = '${env:PGPASSWORD}')],
    ['the Snowflake user, role and warehouse', (c) => Object.assign(c.source, { username: 'OTHER', role: 'R', warehouse: 'BIG_WH' })],
    ['the PostgreSQL user and ssl', (c) => Object.assign(c.target, { user: 'someone', ssl: 'require' })],
    ['the letter case of the account', (c) => (c.source.account = c.source.account.toUpperCase())],
  ];
  for (const [what, change] of unchanged) {
    it(`stays the same when ${what} changes`, () => {
      const c = withTwoTables();
      change(c);
      assert.equal(hashOf(c), baseHash);
    });
  }

  it('stays the same when secret values change, and ignores credentials in a connection string', () => {
    assert.equal(hashOf(base, { SNOWFLAKE_PASSWORD: 'another', PGPASSWORD: 'another' }), baseHash);
    const c = withTwoTables();
    c.target = { connection_string: '${env:DATABASE_URL}' };
    const a = hashOf(c, { ...TEST_ENV, DATABASE_URL: 'postgres://loader:one@localhost/warehouse' });
    const b = hashOf(c, { ...TEST_ENV, DATABASE_URL: 'postgres://admin:two@localhost:5432/warehouse?sslmode=disable' });
    assert.equal(a, b);
    // The same target written as parameters is the same target.
    assert.equal(a, baseHash);
  });

  it('ignores the emulator port in access_url but not its host', () => {
    const at = (url: string) => {
      const c = withTwoTables();
      c.source.access_url = url;
      return hashOf(c);
    };
    assert.equal(at('http://127.0.0.1:8787'), at('http://127.0.0.1:40123'));
    assert.notEqual(at('http://127.0.0.1:8787'), at('https://private.link.example'));
  });

  const changed: [string, (c: ConfigObject) => void, RegExp][] = [
    ['split_column', (c) => (c.tables[0].split_column = 'VISIT_KEY'), /^table analytics_dev2\.factvisitcallperformance_cr: split_column "VISIT_ID" → "VISIT_KEY"$/],
    ['partition_column', (c) => (c.tables[0].partition_column = null), /partition_column "VISIT_DATE" → null/],
    ['primary_key', (c) => (c.tables[1].primary_key = ['ID']), /^table analytics_dev2\.dimvisit: primary_key \[\] → \["ID"\]$/],
    ['column_types', (c) => (c.tables[0].column_types = { SCORE: 'numeric(10,2)' }), /column_types \{"SCORE":"double precision"\} → \{"SCORE":"numeric\(10,2\)"\}/],
    ['insert_only_mode, through the top-level default', (c) => ((c.insert_only_mode = false), (c.tables[1].primary_key = ['ID'])), /insert_only_mode true → false/],
    ['watermarks', (c) => Object.assign(c.tables[0], { insert_only_mode: false, source_watermark: 'UPDATED', target_watermark: 'updated' }), /source_watermark null → "UPDATED"/],
    ['source_schema', (c) => (c.tables[1].source_schema = 'STAGING'), /^table analytics_dev2\.dimvisit: source_schema "PUBLIC" → "STAGING"$/],
    ['source_table', (c) => (c.tables[1].source_table = 'DIMVISIT_V2'), /^table analytics_dev2\.dimvisit_v2 was added$/],
    ['target_table', (c) => (c.tables[1].target_table = 'dim_visit'), /^table analytics_dev2\.dimvisit was removed$/],
    ['the source database', (c) => (c.source.database = 'ANALYTICS_V2'), /^source database "ANALYTICS" → "ANALYTICS_V2"$/],
    ['the source account', (c) => (c.source.account = 'zz99999'), /^source account/],
    ['the target host', (c) => (c.target.host = 'db2'), /^target host "localhost" → "db2"$/],
    ['the target port', (c) => (c.target.port = 5433), /^target port 5432 → 5433$/],
    ['the target database', (c) => (c.target.database = 'other'), /^target database/],
    ['status_schema', (c) => (c.status_schema = 'thaw_status'), /^status_schema "migration_status" → "thaw_status"$/],
    ['consistent_snapshot', (c) => (c.consistent_snapshot = false), /^consistent_snapshot true → false$/],
    ['the set of tables', (c) => c.tables.pop(), /^table analytics_dev2\.dimvisit was removed$/],
  ];
  for (const [what, change, description] of changed) {
    it(`changes when ${what} changes, and says so`, () => {
      const c = withTwoTables();
      change(c);
      const before = load(base);
      const after = load(c);
      assert.notEqual(after.hash, before.hash);
      const changes = describeIdentityChanges(before.identity, after.identity);
      assert.ok(changes.some((line) => description.test(line)), JSON.stringify(changes));
    });
  }

  it('describes no change between configs that hash the same', () => {
    const a = load(base);
    const b = load(reverseKeys(base) as ConfigObject);
    assert.deepEqual(describeIdentityChanges(a.identity, b.identity), []);
  });

  it('holds no secret in the identity a run stores', () => {
    const c = withTwoTables();
    c.target = { connection_string: '${env:DATABASE_URL}' };
    const { identity } = load(c, { ...TEST_ENV, DATABASE_URL: 'postgres://loader:url-secret@db/warehouse' });
    const stored = JSON.stringify(identity);
    assert.ok(!stored.includes('url-secret') && !stored.includes(TEST_ENV.SNOWFLAKE_PASSWORD) && !stored.includes('loader'), stored);
  });
});
