import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlParser from 'node-sql-parser';
import { goldenText, SOURCE_SQL_CASES } from '../golden/sourceSqlCases';

const DIR = join('test', 'golden', 'source-sql');
const update = process.env.UPDATE_GOLDEN === '1';
const AT_CLAUSE = / AT\(TIMESTAMP => '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+00:00'::TIMESTAMP_TZ\)/g;

/** Rewrites `?` binds (outside quotes) as `:1`, `:2`, ...: Snowflake's other positional form. */
function numberBinds(sql: string): string {
  let out = '';
  let quote: string | null = null;
  let n = 0;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `:${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

const NAME = String.raw`"(?:[^"]|"")+"`;
const TABLE = `${NAME}\\.${NAME}\\.${NAME}`;
/**
 * The snapshot-clone DDL (CLONE, and DROP of a three-part quoted name) is beyond node-sql-parser's
 * Snowflake grammar: it is held to its exact form here instead.
 */
const DDL_FORMS: Record<string, RegExp> = {
  '12-create-clone': new RegExp(`^CREATE TABLE ${TABLE} CLONE ${TABLE}$`),
  '12-create-clone-other-schema': new RegExp(`^CREATE TABLE ${TABLE} CLONE ${TABLE}$`),
  '13-drop-clone': new RegExp(`^DROP TABLE IF EXISTS ${TABLE}$`),
};
const STAGE_REF = /@"[^"]+"\."[^"]+"\."[^"]+"/;
const STAGE_PATH = /@"[^"]+"\."[^"]+"\."[^"]+"\/[A-Za-z0-9_.\-/]+\/$/;

/**
 * The SELECT to parse in a statement. The parser knows no stage statements: CREATE STAGE and
 * REMOVE are held to their exact form here (null: nothing left to parse), COPY INTO @stage gives
 * the SELECT it unloads, and a stage reference inside GET_PRESIGNED_URL becomes a string.
 */
function selectOf(sql: string): string | null {
  if (sql.startsWith('CREATE STAGE')) {
    assert.match(sql, /^CREATE STAGE IF NOT EXISTS "[^"]+"\."[^"]+"\."[^"]+" ENCRYPTION = \(TYPE = 'SNOWFLAKE_SSE'\) COMMENT = '[^']*'$/);
    return null;
  }
  if (sql.startsWith('REMOVE')) {
    assert.match(sql.replace(/^REMOVE /, ''), STAGE_PATH);
    return null;
  }
  const unload = /^COPY INTO (@\S+) FROM \((.*)\) FILE_FORMAT = \(TYPE = CSV COMPRESSION = (?:GZIP|NONE) FIELD_DELIMITER = NONE RECORD_DELIMITER = '\\n' FIELD_OPTIONALLY_ENCLOSED_BY = NONE ESCAPE = NONE ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = FALSE\) HEADER = FALSE DETAILED_OUTPUT = TRUE$/s.exec(sql);
  if (sql.startsWith('COPY INTO')) {
    assert.ok(unload, 'COPY INTO a stage with the unload file format');
    assert.match(unload[1]!, STAGE_PATH);
    return unload[2]!;
  }
  return sql.replace(new RegExp(STAGE_REF.source, 'g'), "'stage'");
}

describe('golden Snowflake SQL (test/golden/source-sql)', () => {
  for (const [name, statement] of Object.entries(SOURCE_SQL_CASES)) {
    it(`${name}.sql matches what the builders emit`, () => {
      const file = join(DIR, `${name}.sql`);
      const expected = goldenText(statement);
      if (update) writeFileSync(file, expected);
      assert.equal(readFileSync(file, 'utf8'), expected, `${file} is stale: rerun with UPDATE_GOLDEN=1 and review the diff`);
    });

    // node-sql-parser's Snowflake grammar knows neither `?` binds nor Time Travel's AT(...): the
    // check parses the statement with binds written as :N (which Snowflake accepts as well) and the
    // AT clause cut out; the AT clause itself is held to its exact catalog form by the regex.
    it(`${name}.sql parses as Snowflake SQL (binds as :N, AT clause removed)`, () => {
      const select = selectOf(statement.sql);
      if (select === null) return;
      const withoutAt = select.replace(AT_CLAUSE, '');
      assert.ok(!/\bAT\(/.test(withoutAt), 'an AT clause that is not in the catalog form');
      const ddl = DDL_FORMS[name];
      if (ddl) {
        assert.match(withoutAt, ddl);
        return;
      }
      const ast = new sqlParser.Parser().astify(numberBinds(withoutAt), { database: 'snowflake' });
      const root = Array.isArray(ast) ? ast : [ast];
      assert.equal(root.length, 1);
      assert.equal(root[0]!.type, 'select');
    });
  }

  it('holds no golden file that no case produces', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
    assert.deepEqual(files.sort(), Object.keys(SOURCE_SQL_CASES).sort());
  });
});
