import assert from 'node:assert/strict';
import { formatDatetimeSql } from '../../src/emulator/sql/dateFormat';
import { lex } from '../../src/emulator/sql/lexer';
import { translate } from '../../src/emulator/sql/translate';

const one = (sql: string) => {
  const [statement, ...rest] = translate(sql);
  assert.equal(rest.length, 0);
  return statement!;
};

describe('emulator: Snowflake → DuckDB translation', () => {
  it('maps three-part names: PUBLIC to main, other schemas by name, any database', () => {
    assert.equal(one(`SELECT * FROM "ANALYTICS"."PUBLIC"."T"`).sql, `SELECT * FROM "main"."T"`);
    assert.equal(one(`select * from db.staging.t1`).sql, `select * from "STAGING"."T1"`);
    assert.equal(one(`SELECT "A"."B" FROM x`).sql, `SELECT "A"."B" FROM "X"`);
  });

  it('upper-cases unquoted identifiers, leaves keywords, functions and quoted names', () => {
    assert.equal(one(`select id, "lower" as Alias, count(*) from t group by id`).sql, `select "ID", "lower" as "ALIAS", count(*) from "T" group by "ID"`);
  });

  it('reads Snowflake string escapes and keeps quotes inside literals untouched', () => {
    const [literal] = lex(`'a\\tb''c -- not a comment'`);
    assert.equal(literal!.value, "a\tb'c -- not a comment");
    assert.equal(one(`SELECT 'x::TEXT' AS "V"`).sql, `SELECT 'x::TEXT' AS "V"`);
  });

  it('translates casts to Snowflake types, as CAST and ::', () => {
    assert.equal(one(`SELECT CAST(? AS NUMBER(38,0)), CAST(? AS TIMESTAMP_NTZ(9)), CAST(? AS TEXT)`).sql, `SELECT CAST(? AS DECIMAL(38,0)), CAST(? AS TIMESTAMP_NS), CAST(? AS VARCHAR)`);
    assert.equal(one(`SELECT x::VARIANT, '2024-01-01 00:00:00 +05:30'::TIMESTAMP_TZ`).sql, `SELECT CAST("X" AS JSON), sf_to_tz('2024-01-01 00:00:00 +05:30')`);
    assert.equal(one(`SELECT f(a)::BINARY`).sql, `SELECT CAST(f("A") AS BLOB)`);
  });

  it('renders TO_VARCHAR datetime formats with the value’s own offset', () => {
    assert.equal(formatDatetimeSql('"C"', 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM'), `(strftime(sf_local("C"), '%Y-%m-%d %H:%M:%S.%f ') || sf_tzh("C") || ':' || sf_tzm("C"))`);
    assert.equal(formatDatetimeSql('x', 'HH24:MI:SS.FF3'), `(strftime(sf_local(x), '%H:%M:%S.%g'))`);
    assert.equal(formatDatetimeSql('x', 'YYYY"T"MM.FF2'), `(strftime(sf_local(x), '%YT%m.') || substr(strftime(sf_local(x), '%n'), 1, 2))`);
    assert.equal(one(`SELECT TO_VARCHAR(MIN("S")) AS "M"`).sql, `SELECT sf_to_varchar(MIN("S")) AS "M"`);
    assert.equal(one(`SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY')`).sql, `SELECT (strftime(sf_local(sf_now()), '%Y'))`);
  });

  it('uses DuckDB concat_ws for CONCAT_WS only when no argument can be NULL (DuckDB skips NULLs, Snowflake returns NULL)', () => {
    assert.equal(one(`SELECT CONCAT_WS(CHR(9), COALESCE("A", CHR(92) || 'N'), 'x')`).sql, `SELECT concat_ws(CHR(9), COALESCE("A", CHR(92) || 'N'), 'x')`);
    assert.equal(one(`SELECT CONCAT_WS(',', COALESCE("A", "B"), 'x')`).sql, `SELECT (CASE WHEN (',') IS NULL THEN NULL ELSE (COALESCE("A", "B")) || (',') || ('x') END)`);
    assert.throws(() => one(`SELECT CONCAT_WS(',')`), /CONCAT_WS needs a separator and at least one value/);
  });

  it('answers CONCAT with NULL when any argument is NULL (DuckDB concat skips NULLs)', () => {
    assert.equal(one(`SELECT CONCAT('a', CHR(9))`).sql, `SELECT concat(('a'), (CHR(9)))`);
    assert.equal(one(`SELECT CONCAT("A", 'x')`).sql, `SELECT (CASE WHEN ("A") IS NULL OR ('x') IS NULL THEN NULL ELSE concat(("A"), ('x')) END)`);
    assert.throws(() => one(`SELECT CONCAT()`), /CONCAT needs at least one argument/);
  });

  it('turns AT(TIMESTAMP => ...) into a time-travel read', () => {
    const s = one(`SELECT COUNT(*) FROM "DB"."PUBLIC"."T" AT(TIMESTAMP => '2024-05-01 12:34:56.789 +00:00'::TIMESTAMP_TZ) WHERE "A" = ?`);
    assert.equal(s.sql, `SELECT COUNT(*) FROM __thaw_tt_0__ AS "T" WHERE "A" = ?`);
    assert.deepEqual(s.timeTravel, [{ placeholder: '__thaw_tt_0__', table: { schema: 'main', table: 'T' }, at: { kind: 'TIMESTAMP', sql: `sf_to_tz('2024-05-01 12:34:56.789 +00:00')` } }]);
  });

  it('knows which table a statement changes and which created columns need a type override', () => {
    assert.deepEqual(one(`UPDATE db.public.t SET a = 1`).modifies, { schema: 'main', table: 'T' });
    assert.deepEqual(one(`DELETE FROM "S"."T2"`).modifies, { schema: 'S', table: 'T2' });
    assert.equal(one(`INSERT INTO t VALUES (1)`).kind, 'modify');
    const create = one(`CREATE OR REPLACE TABLE t (id NUMBER(38,0) NOT NULL, at TIMESTAMP_TZ, o OBJECT, v VARIANT)`);
    assert.equal(create.sql, `CREATE OR REPLACE TABLE "T" ("ID" DECIMAL(38,0) NOT NULL, "AT" VARCHAR, "O" JSON, "V" JSON)`);
    assert.deepEqual(create.typeOverrides, [{ table: 'T', column: 'AT', type: 'TIMESTAMP_TZ' }, { table: 'T', column: 'O', type: 'OBJECT' }]);
    assert.equal(one(`ALTER SESSION SET TIMEZONE = 'UTC'`).kind, 'noop');
  });

  it('splits statements on top-level semicolons only', () => {
    assert.deepEqual(translate(`SELECT ';'; SELECT 2;`).map((s) => s.sql), [`SELECT ';'`, 'SELECT 2']);
  });
});
