// Hostile identifiers that are legal in Snowflake migrate value for value, and every statement
// Thaw sends (to PostgreSQL, logged by the server with log_statement=all; to Snowflake, as the
// emulator received it) quotes those identifiers and carries no value of the data as a literal.
import assert from 'node:assert/strict';
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../src/demo/localPostgres';
import { lex } from '../../src/emulator/sql/lexer';
import { createFixture, type Fixture } from '../support/migration';
import { DROP_TABLE_NAME } from './badInput.cases';

const SCHEMA = 'Tgt "schema"; DROP SCHEMA public; --';
/** Every column name is legal quoted in Snowflake; the reserved words are legal only quoted. */
const COLUMNS = {
  key: 'k"ey; --',
  day: 'select',
  note: "it's /* not */ a note",
  unicode: 'Ünï "名前" ☃',
  amount: 'FROM',
  dollar: '$$ x $$',
} as const;

/** Values that would break out of a literal if any were spliced into SQL. */
const VALUES = [
  "a'; DROP TABLE y; --",
  'b"; DROP TABLE y; --',
  "c\\'); DELETE FROM x; --",
  '$$d$$; DROP TABLE y',
  'e\tE\nE\\N',
  'ƒ ünï ☃ 名前',
  "g' OR '1'='1",
  '/* h */ --',
];

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Statement {
  side: 'postgres' | 'snowflake';
  sql: string;
}

/** The statements of a log_statement=all server log, without their bind parameters (DETAIL lines). */
function loggedStatements(log: string): string[] {
  const entries = log.split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] )/);
  return entries.flatMap((entry) => {
    const m = /^\S+ \S+ \S+ \[\d+\] LOG: {2}(?:statement|execute [^:]*): ([\s\S]*)$/.exec(entry.replace(/^\[STDERR\] /gm, ''));
    return m ? [m[1]!.trimEnd()] : [];
  });
}

describe('hostile identifiers and values: quoted, bound, migrated value for value', function () {
  let server: LocalPostgres;
  let fx: Fixture;
  let serverLog = '';

  before(async () => {
    server = await startLocalPostgres({
      password: 'thaw-test',
      flags: ['-c', 'log_statement=all', '-c', 'log_line_prefix=%m [%p] ', '-c', 'log_min_messages=warning'],
      onLog: (text) => (serverLog += text.replace(/^\[STDERR\] /, '')),
    });
    await server.createDatabase('hostile');
    const db = { host: server.host, port: server.port, user: server.user, password: server.password, database: 'hostile', url: '' };
    fx = await createFixture({ db, recordQueries: true });
    const t = `main.${q(DROP_TABLE_NAME)}`;
    await fx.emulator.sql(
      `CREATE TABLE ${t} (${q(COLUMNS.key)} VARCHAR NOT NULL, ${q(COLUMNS.day)} DATE, ${q(COLUMNS.note)} VARCHAR, ${q(COLUMNS.unicode)} VARCHAR, ${q(COLUMNS.amount)} DECIMAL(18,4), ${q(COLUMNS.dollar)} VARCHAR);
       CREATE TABLE main.Y (ID INTEGER);`,
    );
    const rows = VALUES.flatMap((v, i) => [
      [v, `DATE '2024-01-0${1 + (i % 3)}'`, v, v, `${i}.5`, v],
      [`${v} #${i}`, i % 4 === 0 ? 'NULL' : `DATE '2024-01-0${1 + (i % 3)}'`, 'NULL', v.toUpperCase(), `-${i}`, `${i}`],
    ]);
    const literal = (v: string) => (v === 'NULL' || v.startsWith('DATE ') || /^-?\d/.test(v) ? v : `'${v.replaceAll("'", "''")}'`);
    await fx.emulator.sql(`INSERT INTO ${t} VALUES ${rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`);
    await fx.query('CREATE TABLE public.y (id int)');
  });
  after(async () => {
    await fx?.close();
    await server?.stop();
  });

  it('migrates a table named x"; DROP TABLE y; -- with such columns into such a schema, value for value', async () => {
    const config = await fx.writeConfig(
      [{ source_table: DROP_TABLE_NAME, target_schema: SCHEMA, partition_column: COLUMNS.day, split_column: COLUMNS.key, primary_key: [COLUMNS.key] }],
      { batch_size: 3 },
    );
    const start = await fx.cli(['start', '--config', config]);
    assert.equal(start.code, 0, start.stderr);
    const verify = await fx.cli(['verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);

    const names = Object.values(COLUMNS);
    const source = await fx.emulator.sql(`SELECT ${names.map((n) => `CAST(${q(n)} AS VARCHAR) AS ${q(n)}`).join(', ')} FROM main.${q(DROP_TABLE_NAME)}`);
    const target = await fx.query(`SELECT ${names.map((n) => `${q(n.toLowerCase())}::text AS ${q(n)}`).join(', ')} FROM ${q(SCHEMA)}.${q(DROP_TABLE_NAME.toLowerCase())}`);
    const canonical = (rows: Record<string, unknown>[]) =>
      rows.map((r) => JSON.stringify(names.map((n) => (n === COLUMNS.amount && r[n] !== null ? Number(r[n]).toFixed(4) : r[n])))).sort();
    assert.equal(target.length, VALUES.length * 2);
    assert.deepEqual(canonical(target), canonical(source));
    // Nothing ran as SQL: both sentinel tables are still there.
    assert.equal((await fx.emulator.sql(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'Y'`))[0]!.n, 1n);
    assert.equal((await fx.query(`SELECT to_regclass('public.y') IS NOT NULL AS present`))[0]!.present, true);
    const [key] = await fx.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`,
      [`${q(SCHEMA)}.${q(DROP_TABLE_NAME.toLowerCase())}`],
    );
    assert.equal(key?.def, `PRIMARY KEY (${q(COLUMNS.key)})`);
  });

  it('sent every hostile identifier quoted and no value as a literal, to either database', () => {
    const statements: Statement[] = [
      ...loggedStatements(serverLog).map((sql) => ({ side: 'postgres' as const, sql })),
      ...fx.emulator.receivedQueries().map((r) => ({ side: 'snowflake' as const, sql: r.sqlText })),
    ];
    const postgres = statements.filter((s) => s.side === 'postgres');
    assert.ok(postgres.some((s) => /^COPY /.test(s.sql)), 'the log holds the loads');
    assert.ok(statements.some((s) => s.side === 'snowflake' && s.sql.includes(q(COLUMNS.key))), 'the emulator received the chunk queries');

    // Identifiers: once every correctly quoted occurrence is taken out, none is left bare.
    const identifiers = [
      ...[DROP_TABLE_NAME, ...Object.values(COLUMNS)].map((n) => ({ side: 'snowflake', name: n })),
      ...[SCHEMA, DROP_TABLE_NAME.toLowerCase(), ...Object.values(COLUMNS).map((n) => n.toLowerCase())].map((n) => ({ side: 'postgres', name: n })),
    ].filter((i) => /[^A-Za-z_]/.test(i.name)); // a bare `select` or `from` is SQL itself: their migration above is their test
    let quoted = 0;
    for (const s of statements) {
      for (const { side, name } of identifiers.filter((i) => i.side === s.side)) {
        quoted += s.sql.split(q(name)).length - 1;
        const bare = s.sql.split(q(name)).join('');
        assert.ok(!bare.includes(name), `${s.side} statement holds ${name} unquoted:\n${s.sql}`);
      }
    }
    assert.ok(quoted > 20, `${quoted} quoted hostile identifiers seen`);

    // Values: no statement text holds any value of the data (they travel as binds, or as COPY data).
    for (const s of statements) {
      for (const v of VALUES) assert.ok(!s.sql.includes(v) && !s.sql.includes(v.replaceAll("'", "''")), `${s.side} statement holds the value ${JSON.stringify(v)}:\n${s.sql}`);
    }
    // And every string literal sent to Snowflake is a constant of Thaw's own (formats, flags) or the
    // plan's snapshot instant, never something read from the data.
    const literals = new Set<string>();
    for (const s of statements.filter((x) => x.side === 'snowflake')) for (const t of lex(s.sql)) if (t.kind === 'string') literals.add(t.value);
    const snapshot = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+00:00$/;
    const own = [...literals].filter((l) => !snapshot.test(l));
    assert.deepEqual(own.filter((l) => !/^[A-Z0-9 :.,_\-+]*$|^[a-z]$|^\\$/.test(l)), [], `literals: ${JSON.stringify(own)}`);
  });
});
