// One verdict per PostgreSQL type name, whoever judges it: the shipped JSON Schema (what the editor
// shows), the config validation, and the planner. Names all three accept load into a real
// PostgreSQL; names they refuse are refused with the JSON path of the column_types entry.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020';
import { JSON_SCHEMA_FILE } from '../../src/engine/config';
import { DefinitionError } from '../../src/engine/errors';
import { mapColumns } from '../../src/engine/types';
import type { SourceColumn } from '../../src/engine/types/model';
import { problems, validConfig, load } from '../unit/configFixtures';
import { createFixture, type Fixture } from '../support/migration';

/** Each accepted name, the column holding values of its shape, and how PostgreSQL reports the type. */
const ACCEPTED = [
  { name: 'public.citext', column: 'CI', pgType: 'citext' },
  { name: 'text[][]', column: 'GRID', pgType: 'text[]' },
  { name: 'int[3]', column: 'TRIPLE', pgType: 'integer[]' },
  { name: 'numeric(10,-2)', column: 'HUNDREDS', pgType: 'numeric(10,-2)' },
] as const;

const REFUSED = ['text; DROP TABLE x', 'numeric(10,,2)', 'int[', 'varchar(10) -- note', 'text)'];

const SOURCE_COLUMN: SourceColumn = { name: 'C', type: 'TEXT', precision: null, scale: null, nullable: true, ordinal: 1 };

type Verdict = { schema: boolean; config: boolean; planner: boolean };

function configWith(typeName: string) {
  const c = validConfig();
  c.tables[0].column_types = { C: typeName };
  return c;
}

describe('PostgreSQL type names: one grammar', function () {
  let validate: ReturnType<Ajv2020['compile']>;
  let fx: Fixture;

  before(async () => {
    const schema = JSON.parse(await readFile(JSON_SCHEMA_FILE, 'utf8'));
    validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: false }).compile(schema);
    fx = await createFixture();
  });
  after(async () => fx?.close());

  function verdict(typeName: string): Verdict & { errors: string[] } {
    const errors: string[] = [];
    const schema = validate(configWith(typeName)) === true;
    if (!schema) errors.push(...(validate.errors ?? []).map((e) => `schema ${e.instancePath}: ${e.message}`));
    let config = true;
    try {
      load(configWith(typeName));
    } catch {
      config = false;
      const issues = problems(configWith(typeName));
      errors.push(...issues.map((i) => `config ${i.path}: ${i.message}`));
    }
    let planner = true;
    try {
      mapColumns([SOURCE_COLUMN], { overrides: { C: typeName }, overridesPath: 'tables[0].column_types' });
    } catch (err) {
      planner = false;
      assert.ok(err instanceof DefinitionError, String(err));
      errors.push(`planner ${err.context.path}: ${err.message}`);
    }
    return { schema, config, planner, errors };
  }

  for (const { name } of ACCEPTED) {
    it(`accepts ${name} in the JSON Schema, the config and the planner`, () => {
      const v = verdict(name);
      assert.deepEqual([v.schema, v.config, v.planner], [true, true, true], v.errors.join('\n'));
    });
  }

  for (const name of REFUSED) {
    it(`refuses ${JSON.stringify(name)} in all three, naming tables[0].column_types.C`, () => {
      const v = verdict(name);
      assert.deepEqual([v.schema, v.config, v.planner], [false, false, false]);
      assert.ok(v.errors.some((e) => e.startsWith('schema /tables/0/column_types/C')), v.errors.join('\n'));
      assert.ok(v.errors.some((e) => e.startsWith('config tables[0].column_types.C:')), v.errors.join('\n'));
      assert.ok(v.errors.some((e) => e.startsWith('planner tables[0].column_types.C:')), v.errors.join('\n'));
    });
  }

  it('loads the four accepted names into a real PostgreSQL through the CLI', async () => {
    // citext is an extension: a target that uses it installs it (Thaw creates tables, not extensions).
    await fx.query('CREATE EXTENSION IF NOT EXISTS citext');
    await fx.emulator.sql(
      `CREATE TABLE main.ODD_TYPES AS
       SELECT 1 AS ID, 'Hello' AS CI, '{{a,b},{c,d}}' AS GRID, '{1,2,3}' AS TRIPLE, 12345 AS HUNDREDS
       UNION ALL SELECT 2, 'World', '{}', '{7}', -250`,
    );
    const columnTypes = Object.fromEntries(ACCEPTED.map((a) => [a.column, a.name]));
    const config = await fx.writeConfig([{ source_table: 'ODD_TYPES', target_schema: 'odd', split_column: 'ID', column_types: columnTypes }], {}, 'odd.json');

    const run = await fx.cli(['start', '--config', config]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // Each override is a column decision worth a warning: in the log once, and in thaw status.
    const warning = 'column ci: overridden from text';
    assert.equal(run.stderr.split(warning).length - 1, 1, run.stderr);
    const status = await fx.cli(['status', '--config', config]);
    assert.match(status.stdout, new RegExp(`! ${warning}`));
    const types = await fx.query<{ attname: string; type: string }>(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'odd.odd_types'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    assert.deepEqual(
      types.slice(1).map((t) => [t.attname, t.type]),
      ACCEPTED.map((a) => [a.column.toLowerCase(), a.pgType]),
    );
    const rows = await fx.query(`SELECT ci = 'HELLO' AS ci_matches, grid, triple, hundreds::text FROM odd.odd_types ORDER BY id`);
    assert.deepEqual(rows, [
      { ci_matches: true, grid: [['a', 'b'], ['c', 'd']], triple: [1, 2, 3], hundreds: '12300' },
      { ci_matches: false, grid: [], triple: [7], hundreds: '-300' },
    ]);
  });
});
