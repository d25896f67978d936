import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../../src/engine/config';
import { validConfig } from './configFixtures';

// The example of docs/interface.md, comments removed.
const INTERFACE_EXAMPLE = {
  $schema: '...',
  source: {
    account: 'xy12345.us-east-1', username: 'LOADER', warehouse: 'MIGRATION_WH',
    database: 'ANALYTICS', schema: 'PUBLIC', role: 'LOADER_ROLE',
    password: '${env:SNOWFLAKE_PASSWORD}',
    access_url: 'http://127.0.0.1:8787',
  },
  target: {
    host: 'localhost', port: 5432, database: 'warehouse', user: 'loader',
    password: '${env:PGPASSWORD}', ssl: 'prefer',
  },
  status_schema: 'migration_status',
  parallel_threads: 20, batch_size: 25000,
  max_worker_memory_mb: 2048,
  tables: [{
    source_table: 'FACTVISITCALLPERFORMANCE_CR',
    target_schema: 'analytics_dev2', target_table: 'factvisitcallperformance_cr',
    partition_column: 'VISIT_DATE', split_column: 'VISIT_ID', primary_key: ['VISIT_ID'],
    truncate_onstart: false, insert_only_mode: true,
    source_watermark: null, target_watermark: null,
    column_types: { SCORE: 'double precision' },
  }],
};

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; title?: string; description?: string };

describe('config JSON Schema', () => {
  let committed: string;
  let validate: ReturnType<Ajv2020['compile']>;

  before(async () => {
    committed = await readFile(JSON_SCHEMA_FILE, 'utf8');
    // Formats (`uri`) are hints for editors here; the zod schema checks URLs itself. strictRequired
    // would forbid `oneOf: [{ required: [x] }]` naming properties defined one level up.
    validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: false }).compile(JSON.parse(committed));
  });

  it('is up to date with the zod schema (run `npm run gen:schema`)', () => {
    assert.equal(committed, configJsonSchemaText(), `${JSON_SCHEMA_FILE} is stale: run npm run gen:schema`);
  });

  it('gives every key a title and a description', () => {
    const missing: string[] = [];
    const walk = (schema: JsonSchema, path: string) => {
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (!child.title || !child.description) missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
        if (child.items) walk(child.items, `${path}${key}[].`);
      }
    };
    walk(JSON.parse(committed) as JsonSchema, '');
    assert.deepEqual(missing, []);
  });

  it('accepts the example of the interface, the shipped example and the test fixture', async () => {
    const example = JSON.parse(await readFile('examples/config.example.json', 'utf8'));
    for (const config of [INTERFACE_EXAMPLE, example, validConfig()]) {
      assert.equal(validate(config), true, JSON.stringify(validate.errors));
    }
    const viaConnectionString = { ...validConfig(), target: { connection_string: '${env:DATABASE_URL}' } };
    assert.equal(validate(viaConnectionString), true, JSON.stringify(validate.errors));
  });

  it('lets an editor flag literal secrets, unknown keys, bad values and mixed-up auth', () => {
    const errorsFor = (change: (c: Record<string, any>) => void) => {
      const c = validConfig();
      change(c);
      assert.equal(validate(c), false);
      return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    };
    assert.ok(errorsFor((c) => (c.source.password = 'hunter2')).includes('/source/password pattern'));
    assert.ok(errorsFor((c) => (c.paralel_threads = 3)).includes(' additionalProperties'));
    assert.ok(errorsFor((c) => (c.tables[0].split_colum = 'X')).includes('/tables/0 additionalProperties'));
    assert.ok(errorsFor((c) => (c.target.ssl = 'always')).includes('/target/ssl enum'));
    assert.ok(errorsFor((c) => (c.parallel_threads = 0)).includes('/parallel_threads minimum'));
    assert.ok(errorsFor((c) => (c.tables = [])).includes('/tables minItems'));
    assert.ok(errorsFor((c) => (c.source.token = '${env:T}')).includes('/source oneOf'));
    assert.ok(errorsFor((c) => (c.target.connection_string = '${env:DATABASE_URL}')).includes('/target oneOf'));
  });
});
