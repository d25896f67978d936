import assert from 'node:assert/strict';
import pg from 'pg';
import {
  addPrimaryKeyAndAnalyze,
  checkTargetColumns,
  createTargetTable,
  isTableEmpty,
  openTargetPool,
  tableExists,
  truncateTable,
} from '../../src/engine/target';
import { ConnectionError, DataError, RefusedError, TargetError } from '../../src/engine/errors';
import { createTestDatabase, withClient, type TestDatabase } from '../support/postgres';
import { freePort } from '../support/ports';
import { column, mapping } from './stateFixtures';

const MAPPINGS = [
  mapping(column('VISIT_ID', 'NUMBER', 1, false), 'bigint'),
  mapping(column('Visit Date', 'DATE', 2), 'date'),
  mapping(column('SCORE', 'FLOAT', 3), 'double precision'),
  mapping(column('AT', 'TIMESTAMP_NTZ', 4), 'timestamp(6) without time zone'),
];

describe('target tables', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await createTestDatabase();
    pool = await openTargetPool({ host: db.host, port: db.port, database: db.database, user: db.user, password: db.password });
  });
  after(async () => pool.end());

  it('opens pools with the bulk-load session settings, falling back from TLS when the server has none', async () => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query(
        `SELECT current_setting('synchronous_commit') AS sc, current_setting('statement_timeout') AS st, current_setting('application_name') AS app, ssl
         FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
      );
      assert.deepEqual(rows[0], { sc: 'off', st: '0', app: 'thaw', ssl: false });
    } finally {
      client.release();
    }
  });

  it('fails to open an unreachable target with a ConnectionError that shows no password', async () => {
    const port = await freePort();
    const err = await openTargetPool({ host: '127.0.0.1', port, database: 'd', user: 'u', password: 's3cret-pw', ssl: 'disable' }).catch((e: unknown) => e);
    assert.ok(err instanceof ConnectionError);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}/d`));
    assert.doesNotMatch(err.describe(), /s3cret-pw/);
    const badLogin = await openTargetPool({ host: db.host, port: db.port, database: db.database, user: 'nobody', password: 's3cret-pw' }).catch((e: unknown) => e);
    assert.ok(badLogin instanceof ConnectionError);
    assert.doesNotMatch(badLogin.describe(), /s3cret-pw/);
  });

  it('creates schema and table with quoted names, mapped types and NOT NULL', async () => {
    assert.equal(await tableExists(pool, 'Fresh Schema', 'facts'), false);
    await createTargetTable(pool, 'Fresh Schema', 'facts', MAPPINGS);
    assert.equal(await tableExists(pool, 'Fresh Schema', 'facts'), true);
    const { rows } = await pool.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'Fresh Schema' AND table_name = 'facts' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      rows.map((r) => [r.column_name, r.data_type, r.is_nullable]),
      [
        ['visit_id', 'bigint', 'NO'],
        ['visit date', 'date', 'YES'],
        ['score', 'double precision', 'YES'],
        ['at', 'timestamp without time zone', 'YES'],
      ],
    );
    assert.deepEqual((await checkTargetColumns(pool, 'Fresh Schema', 'facts', MAPPINGS)).warnings, []);
  });

  it('refuses a type name that carries SQL', async () => {
    const evil = [mapping(column('A', 'TEXT', 1), 'text); DROP TABLE x; --')];
    await assert.rejects(createTargetTable(pool, 'public', 'evil', evil), RefusedError);
    assert.equal(await tableExists(pool, 'public', 'evil'), false);
  });

  it('checks an existing table against the mapping: a missing column is an error naming it', async () => {
    await pool.query(`CREATE TABLE public.existing (visit_id numeric(38,0), score real, note text NOT NULL DEFAULT '')`);
    const err = await checkTargetColumns(pool, 'public', 'existing', MAPPINGS).catch((e: unknown) => e);
    assert.ok(err instanceof TargetError);
    assert.match(err.message, /target table "public"."existing" has no column "visit date" \(for Snowflake column Visit Date\)/);
    assert.deepEqual([err.context.table, err.context.column], ['public.existing', 'visit date']);
    const fits = await checkTargetColumns(pool, 'public', 'existing', [MAPPINGS[0]!, MAPPINGS[2]!]);
    assert.deepEqual(fits.warnings, [
      'column visit_id is numeric(38,0) in the target, the mapping says bigint',
      'column score is real in the target, the mapping says double precision',
    ]);
    await pool.query(`ALTER TABLE public.existing ADD COLUMN required int NOT NULL`);
    await assert.rejects(checkTargetColumns(pool, 'public', 'existing', [MAPPINGS[0]!]), /NOT NULL column "required" without a default/);
  });

  it('tells empty from non-empty, and truncates', async () => {
    await createTargetTable(pool, 'public', 'scratch', MAPPINGS);
    assert.equal(await isTableEmpty(pool, 'public', 'scratch'), true);
    await pool.query(`INSERT INTO public.scratch (visit_id) VALUES (1), (2)`);
    assert.equal(await isTableEmpty(pool, 'public', 'scratch'), false);
    await truncateTable(pool, 'public', 'scratch');
    assert.equal(await isTableEmpty(pool, 'public', 'scratch'), true);
  });

  it('adds the primary key and analyzes, once, and names the table when keys repeat', async () => {
    await createTargetTable(pool, 'public', 'keyed', MAPPINGS);
    await pool.query(`INSERT INTO public.keyed (visit_id) SELECT g FROM generate_series(1, 100) g`);
    await addPrimaryKeyAndAnalyze(pool, 'public', 'keyed', ['visit_id']);
    await addPrimaryKeyAndAnalyze(pool, 'public', 'keyed', ['visit_id']);
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.keyed'::regclass AND contype = 'p') AS pks,
              (SELECT reltuples FROM pg_class WHERE oid = 'public.keyed'::regclass) AS tuples`,
    );
    assert.deepEqual([Number(rows[0].pks), Number(rows[0].tuples)], [1, 100]);
    await createTargetTable(pool, 'public', 'dupes', MAPPINGS);
    await pool.query(`INSERT INTO public.dupes (visit_id) VALUES (1), (1)`);
    const err = await addPrimaryKeyAndAnalyze(pool, 'public', 'dupes', ['visit_id']).catch((e: unknown) => e);
    assert.ok(err instanceof DataError);
    assert.deepEqual([err.context.table, err.context.code], ['public.dupes', '23505']);
  });

  it('work on a single client too', async () => {
    await withClient(db, async (c) => {
      assert.equal(await tableExists(c, 'public', 'keyed'), true);
    });
  });
});
