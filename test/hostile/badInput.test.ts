// Runs the bad-input corpus (badInput.cases.ts): each case through `thaw start --json` against a
// real PostgreSQL and the emulator, expecting exit 2, its exact error, and nothing written on
// either side: no status schema or row, no target table, the sentinel tables still there.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../support/cli';
import { createFixture, type Fixture } from '../support/migration';
import {
  APPEND_ONLY_TABLE,
  CASES,
  LOCKED_SCHEMA,
  READ_ONLY_TABLE,
  ROLES,
  SENTINEL_TABLE,
  SHARED_SCHEMA,
  SOURCE,
  SOURCE_READER_ROLE,
  STATUS_OF_LOADER,
  type BadInputCase,
  type ConfigObject,
} from './badInput.cases';

const q = pg.escapeIdentifier;

async function buildWorld(fx: Fixture): Promise<void> {
  await fx.emulator.sql(`
    CREATE TABLE main.${SOURCE.orders} (ID BIGINT NOT NULL, PLACED DATE, NOTE VARCHAR, DOC JSON, FLAG BOOLEAN);
    INSERT INTO main.${SOURCE.orders} VALUES (1, DATE '2024-01-01', 'a', '{"k": 1}', true), (2, DATE '2024-01-02', 'b', NULL, false);
    CREATE TABLE main.${SOURCE.longColumn} (ID BIGINT, "${SOURCE.longColumnName}" VARCHAR);
    CREATE TABLE main.${SOURCE.shapes} (ID BIGINT, AREA VARCHAR);
    INSERT INTO main._snowflake_types VALUES ('${SOURCE.shapes}', 'AREA', 'GEOGRAPHY');
    CREATE TABLE main.${SOURCE.restricted} (ID BIGINT, SALARY DOUBLE);
    CREATE TABLE main.${SENTINEL_TABLE} (ID INTEGER);
  `);
  fx.emulator.revokeSelect([{ role: SOURCE_READER_ROLE, table: SOURCE.restricted }]);
  const password = pg.escapeLiteral(fx.db.password);
  await fx.query(`
    CREATE TABLE public.${q(SENTINEL_TABLE.toLowerCase())} (id int);
    CREATE ROLE ${ROLES.nobody} LOGIN PASSWORD ${password};
    CREATE ROLE ${ROLES.loader} LOGIN PASSWORD ${password};
    CREATE SCHEMA ${STATUS_OF_LOADER} AUTHORIZATION ${ROLES.loader};
    CREATE SCHEMA ${LOCKED_SCHEMA};
    CREATE SCHEMA ${SHARED_SCHEMA};
    GRANT USAGE ON SCHEMA ${SHARED_SCHEMA} TO ${ROLES.loader};
    CREATE TABLE ${SHARED_SCHEMA}.${READ_ONLY_TABLE} (id bigint, placed date, note text, doc jsonb, flag boolean);
    CREATE TABLE ${SHARED_SCHEMA}.${APPEND_ONLY_TABLE} (LIKE ${SHARED_SCHEMA}.${READ_ONLY_TABLE});
    GRANT SELECT ON ${SHARED_SCHEMA}.${READ_ONLY_TABLE} TO ${ROLES.loader};
    GRANT SELECT, INSERT ON ${SHARED_SCHEMA}.${APPEND_ONLY_TABLE} TO ${ROLES.loader};
  `);
}

/** What a refused command must leave as it was: every relation and its row count, both sides. */
async function written(fx: Fixture): Promise<string> {
  const relations = await fx.query<{ name: string; kind: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
  );
  const counts = [];
  for (const r of relations.filter((r) => r.kind === 'r')) {
    const [schema, table] = [r.name.slice(0, r.name.indexOf('.')), r.name.slice(r.name.indexOf('.') + 1)];
    const [row] = await fx.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(schema)}.${q(table)}`);
    counts.push(`${r.name}=${row!.n}`);
  }
  const schemas = await fx.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1`);
  // __sf_tables is the emulator's own cache of INFORMATION_SCHEMA.TABLES.
  const source = await fx.emulator.sql(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY 1`);
  return JSON.stringify({ relations, counts, schemas: schemas.map((s) => s.nspname), source: source.map((t) => t.table_name) }, null, 1);
}

function baseConfig(fx: Fixture): ConfigObject {
  return {
    source: { account: 'emu', username: 'LOADER', warehouse: 'WH', database: 'ANALYTICS', schema: 'PUBLIC', password: '${env:THAW_TEST_SF_PASSWORD}', access_url: fx.emulator.url },
    target: { host: fx.db.host, port: fx.db.port, database: fx.db.database, user: fx.db.user, password: '${env:THAW_TEST_PG_PASSWORD}', ssl: 'disable' },
    parallel_threads: 2,
    batch_size: 1000,
    retry_delay_seconds: 0.1,
    tables: [{ source_table: SOURCE.orders, target_schema: 'corpus', split_column: 'ID' }],
  };
}

function configText(fx: Fixture, c: BadInputCase): string {
  const base = baseConfig(fx);
  const changed = c.config(base) ?? base;
  return typeof changed === 'string' ? changed : JSON.stringify(changed, null, 2);
}

describe('bad input: the corpus of malformed configs and hostile values', function () {
  let fx: Fixture;
  let untouched: string;
  before(async () => {
    fx = await createFixture();
    await buildWorld(fx);
    untouched = await written(fx);
  });
  after(async () => fx?.close());

  it('holds at least 30 cases, each named once', () => {
    assert.ok(CASES.length >= 30, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  CASES.forEach((c, index) => {
    it(c.name, async () => {
      const path = join(fx.dir, `case-${index}.json`);
      await writeFile(path, configText(fx, c));
      // An empty value is how a variable is "not set" for a child that inherits this environment.
      const env = { ...fx.env, ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v ?? ''])) };
      const result = await runCli(['start', '--config', path, '--json'], env);
      const error = result.events.find((e) => e.event === 'error') as { name?: string; message: string; context?: Record<string, unknown>; issues?: Array<{ path: string; message: string; line?: number }> } | undefined;
      assert.equal(result.code, 2, `exit code; stdout ${result.stdout} stderr ${result.stderr}`);
      assert.ok(error, `an error event; stdout ${result.stdout}`);
      const expected = c.expect;
      if (expected.kind === 'config') {
        assert.equal(error.name, 'ConfigError');
        assert.deepEqual(error.issues?.map((i) => ({ path: i.path, message: i.message })), expected.issues);
        // Read from a file, every problem has its place in it.
        for (const issue of error.issues ?? []) assert.ok(issue.line !== undefined, `line of ${issue.path}`);
      } else {
        assert.equal(error.name, expected.name, error.message);
        assert.equal(error.message, expected.message.replaceAll('<database>', fx.db.database));
        assert.deepEqual(error.context, expected.context);
      }
      assert.equal(await written(fx), untouched, 'nothing was written on either side');
    });
  });
});
